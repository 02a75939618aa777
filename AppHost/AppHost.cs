using InclusionServices.AppHost;
using InclusionServices.AppHost.Infrastructure;

// The whole suite: one PostgreSQL server (a database per service), one RabbitMQ broker, four gRPC services
// each preceded by its migration step, and the dashboard.
var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = SuiteInfrastructure.Add(builder);
var tokens = TokenTrust.Resolve(builder.Configuration, infrastructure.DataRoot);

builder.AddInclusionService<Projects.Referrals_Service>("referrals", "referralsdb", infrastructure, tokens);
builder.AddInclusionService<Projects.Meetings_Service>("meetings", "meetingsdb", infrastructure, tokens);
builder.AddInclusionService<Projects.Placements_Service>("placements", "placementsdb", infrastructure, tokens);
builder.AddInclusionService<Projects.Reporting_Service>("reporting", "reportingdb", infrastructure, tokens);

builder.Build().Run();
