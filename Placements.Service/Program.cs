using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.KnownPupils;
using InclusionServices.Placements.Consumers;
using InclusionServices.Placements.Placements;
using InclusionServices.Placements.Providers;
using InclusionServices.Placements.SixthDay;
using InclusionServices.Placements.Storage;
using InclusionServices.Placements.Timetables;
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
builder.AddEventBus<PlacementsDatabase>(bus =>
{
    bus.AddConsumer<SchoolCalendarChangedConsumer<PlacementsDatabase>>();
    bus.AddConsumer<ExclusionConsumer>();
    bus.AddConsumer<PanelDecisionConsumer>();
});
// Referrals, found by service discovery and called as this service, says whether a pupil exists and where.
PupilDirectory.Register(builder.Services);
builder.Services.Configure<PlacementsOptions>(builder.Configuration.GetSection(PlacementsOptions.SectionName));
builder.Services.AddHostedService<DutyWatcher>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInclusionGrpcService<EventHistoryApi<PlacementsDatabase>>();
app.MapInclusionGrpcService<AuditTrailApi<PlacementsDatabase>>();
app.MapInclusionGrpcService<ProvidersApi>();
app.MapInclusionGrpcService<PlacementsApi>();
app.MapInclusionGrpcService<SixthDayApi>();
app.MapInclusionGrpcService<PartTimeTimetablesApi>();
await app.RunAsync();
