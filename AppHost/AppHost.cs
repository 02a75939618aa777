using InclusionServices.AppHost;
using InclusionServices.AppHost.Infrastructure;

// The whole suite: one PostgreSQL server (a database and a role per service), one RabbitMQ broker (an account per
// service), four gRPC services each preceded by its migration step, and the dashboard.
try
{
    var builder = DistributedApplication.CreateBuilder(args);

    var infrastructure = SuiteInfrastructure.Add(builder);
    var tokens = TokenTrust.Resolve(builder.Configuration, infrastructure.DataRoot);

    var referrals = builder.AddInclusionService<Projects.Referrals_Service>("referrals", infrastructure, tokens).WithMintTokenCommand(tokens);
    // Meetings and Placements ask Referrals about pupils over gRPC, found by service discovery.
    var meetings = builder.AddInclusionService<Projects.Meetings_Service>("meetings", infrastructure, tokens).WithReference(referrals);
    var placements = builder.AddInclusionService<Projects.Placements_Service>("placements", infrastructure, tokens).WithReference(referrals);
    // Reporting reads the others' events from the bus and, to catch up or rebuild, their histories over gRPC.
    var reporting = builder.AddInclusionService<Projects.Reporting_Service>("reporting", infrastructure, tokens)
        .WithReference(referrals).WithReference(meetings).WithReference(placements)
        .WithRebuildCommand(tokens);
    // ./run.sh --demo seeds the demonstration year once the suite is healthy; the dashboard command does it any time.
    builder.AddDemoData(new Dictionary<string, IResourceBuilder<InclusionServiceResource>>
    {
        ["referrals"] = referrals, ["meetings"] = meetings, ["placements"] = placements, ["reporting"] = reporting,
    }, tokens, seedAtStart: args.Contains("--demo"));

    builder.Build().Run();
}
catch (Exception problem) when (problem is not OperationCanceledException)
{
    return StartupFailure.Report(problem);
}
return 0;
