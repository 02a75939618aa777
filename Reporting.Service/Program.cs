using InclusionServices.Reporting.ExclusionPrevention;
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
builder.AddEventBus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGrpcService<ExclusionPreventionReportsApi>();
await app.RunAsync();
