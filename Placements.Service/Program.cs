using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Placements.Providers;
using InclusionServices.Placements.Storage;
using InclusionServices.ServiceDefaults;

if (Storage.IsMigrationStep(args))
{
    await Storage.RunMigrationStepAsync<PlacementsDatabase>(args, PlacementsDatabase.ConnectionName);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSchoolCalendar();
builder.AddServiceDatabase<PlacementsDatabase>(PlacementsDatabase.ConnectionName);
builder.Services.AddAuditTrail<PlacementsDatabase>();
builder.AddEventBus<PlacementsDatabase>(bus => bus.AddConsumer<SchoolCalendarChangedConsumer<PlacementsDatabase>>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInclusionGrpcService<EventHistoryApi<PlacementsDatabase>>();
app.MapInclusionGrpcService<AuditTrailApi<PlacementsDatabase>>();
app.MapInclusionGrpcService<ProvidersApi>();
await app.RunAsync();
