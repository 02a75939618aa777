using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Meetings.PanelSittings;
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
builder.AddEventBus<MeetingsDatabase>(bus => bus.AddConsumer<SchoolCalendarChangedConsumer<MeetingsDatabase>>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInclusionGrpcService<EventHistoryApi<MeetingsDatabase>>();
app.MapInclusionGrpcService<AuditTrailApi<MeetingsDatabase>>();
app.MapInclusionGrpcService<PanelSittingsApi>();
await app.RunAsync();
