using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Referrals.Calendars;
using InclusionServices.Referrals.Pupils;
using InclusionServices.Referrals.ReferralCases;
using InclusionServices.Referrals.Schools;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;

if (Storage.IsMigrationStep(args))
{
    await Storage.RunMigrationStepAsync<ReferralsDatabase>(args, ReferralsDatabase.ConnectionName);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSchoolCalendar();
builder.AddServiceDatabase<ReferralsDatabase>(ReferralsDatabase.ConnectionName);
builder.AddEventBus<ReferralsDatabase>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGrpcService<EventHistoryApi<ReferralsDatabase>>();
app.MapGrpcService<SchoolsApi>();
app.MapGrpcService<PupilsApi>();
app.MapGrpcService<ReferralsApi>();
app.MapGrpcService<SchoolCalendarsApi>();
await app.RunAsync();
