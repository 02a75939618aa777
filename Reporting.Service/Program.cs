using InclusionServices.EventBus;
using InclusionServices.Reporting.Projections;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Rebuilds;
using InclusionServices.Reporting.Reports;
using InclusionServices.Reporting.Rolls;
using InclusionServices.Reporting.Storage;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;

if (Storage.IsMigrationStep(args))
{
    await Storage.RunMigrationStepAsync<ReportingDatabase>(args, ReportingDatabase.ConnectionName);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<ReportingDatabase>(ReportingDatabase.ConnectionName);
builder.Services.AddAuditTrail<ReportingDatabase>();
var referenceData = ReferenceData.Load(builder.Configuration["SchoolCalendar:DataDirectory"]);
builder.Services.AddSingleton(new ReportingCalendar(referenceData.Calendar, referenceData.Rules));
builder.Services.AddSingleton<ProjectorMetrics>();
builder.Services.AddScoped<Projector>();
builder.Services.AddSingleton<LiveEvents>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<LiveEvents>());
// Every event of the suite comes to one queue and is applied by the projector; a rebuild replays the histories.
builder.AddEventBus<ReportingDatabase>(bus => bus.AddConsumer<EventFeed>());
builder.Services.Configure<RebuildOptions>(builder.Configuration.GetSection(RebuildOptions.SectionName));
ReadModelRebuilder.AddHistoryClients(builder.Services);
builder.Services.AddSingleton<ReadModelRebuilder>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<ReadModelRebuilder>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInclusionGrpcService<EventHistoryApi<ReportingDatabase>>();
app.MapInclusionGrpcService<AuditTrailApi<ReportingDatabase>>();
app.MapInclusionGrpcService<ReportsApi>();
app.MapInclusionGrpcService<ExclusionPreventionReportsApi>();
app.MapInclusionGrpcService<SchoolRollsApi>();
app.MapInclusionGrpcService<ReadModelsApi>();
await app.RunAsync();
