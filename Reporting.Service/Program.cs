using InclusionServices.EventBus;
using InclusionServices.Reporting.ExclusionPrevention;
using InclusionServices.Reporting.Schools;
using InclusionServices.Reporting.Storage;
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
builder.AddEventBus<ReportingDatabase>(bus =>
{
    bus.AddConsumer<SchoolRegisterProjection>();
    bus.AddConsumer<SchoolUpdateProjection>();
});

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInclusionGrpcService<EventHistoryApi<ReportingDatabase>>();
app.MapInclusionGrpcService<AuditTrailApi<ReportingDatabase>>();
app.MapInclusionGrpcService<ExclusionPreventionReportsApi>();
await app.RunAsync();
