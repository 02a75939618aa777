using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Referrals.Calendars;
using InclusionServices.Referrals.Exclusions;
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
builder.Services.AddSingleton(ExclusionReasonCodes.Load());
builder.Services.AddSingleton<ExclusionRequests>();
builder.Services.AddAuditTrail<ReferralsDatabase>();
builder.Services.Configure<DeadlineWatcherOptions>(builder.Configuration.GetSection("DeadlineWatcher"));
builder.Services.AddHostedService<DeadlineWatcher>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapInclusionGrpcService<EventHistoryApi<ReferralsDatabase>>();
app.MapInclusionGrpcService<AuditTrailApi<ReferralsDatabase>>();
app.MapInclusionGrpcService<SchoolsApi>();
app.MapInclusionGrpcService<PupilsApi>();
app.MapInclusionGrpcService<ReferralsApi>();
app.MapInclusionGrpcService<ExclusionsApi>();
app.MapInclusionGrpcService<InternalExclusionsApi>();
app.MapInclusionGrpcService<SchoolCalendarsApi>();
app.MapInclusionGrpcService<InclusionServices.Referrals.Census.CensusReconciliationApi>();
await app.RunAsync();
