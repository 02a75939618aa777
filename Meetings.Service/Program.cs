using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Meetings.Consumers;
using InclusionServices.Meetings.Meetings;
using InclusionServices.Meetings.Panel;
using InclusionServices.KnownPupils;
using InclusionServices.Meetings.Storage;
using InclusionServices.ServiceDefaults;

if (Storage.IsMigrationStep(args))
{
    await Storage.RunMigrationStepAsync<MeetingsDatabase>(args, MeetingsDatabase.ConnectionName);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSchoolCalendar();
builder.AddServiceDatabase<MeetingsDatabase>(MeetingsDatabase.ConnectionName);
builder.Services.AddAuditTrail<MeetingsDatabase>();
builder.AddEventBus<MeetingsDatabase>(bus =>
{
    bus.AddConsumer<SchoolCalendarChangedConsumer<MeetingsDatabase>>();
    bus.AddConsumer<ExclusionChangedConsumer>();
    bus.AddConsumer<ReferralStatusConsumer>();
});
// Referrals, found by service discovery and called as this service, says whether a pupil exists and where.
PupilDirectory.Register(builder.Services);
builder.Services.Configure<MeetingsOptions>(builder.Configuration.GetSection(MeetingsOptions.SectionName));
builder.Services.AddHostedService<PanelSittingsSeed>();
builder.Services.AddHostedService<OverdueActionWatcher>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInclusionGrpcService<EventHistoryApi<MeetingsDatabase>>();
app.MapInclusionGrpcService<AuditTrailApi<MeetingsDatabase>>();
app.MapInclusionGrpcService<MeetingsApi>();
app.MapInclusionGrpcService<PanelSittingsApi>();
app.MapInclusionGrpcService<PanelCasesApi>();
await app.RunAsync();
