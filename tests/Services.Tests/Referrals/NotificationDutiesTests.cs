extern alias ReferralsService;

using System.Text;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using static InclusionServices.Tests.Referrals.ReferralsData;
using DutyHolder = Inclusion.Referrals.V1.DutyHolder;
using ExclusionKind = Inclusion.Referrals.V1.ExclusionKind;
using SenStatus = Inclusion.Referrals.V1.SenStatus;
using Sex = Inclusion.Referrals.V1.Sex;

namespace InclusionServices.Tests.Referrals;

/// <summary>Referrals on a clock the tests jump forward (its deadline watcher runs on it).</summary>
public sealed class ReferralsWithClock : ServiceUnderTest<ReferralsService::InclusionServices.Referrals.Schools.SchoolsApi,
    ReferralsService::InclusionServices.Referrals.Storage.ReferralsDatabase>
{
    public ReferralsWithClock() : base(ReferralsService::InclusionServices.Referrals.Storage.ReferralsDatabase.ConnectionName) => Clock = FlowingClock;

    public FlowingClock FlowingClock { get; } = new();
}

/// <summary>
/// Who must be told of an exclusion: a looked-after child's social worker and Virtual School Head, an EHC plan's SEN
/// caseworker. Each duty is due the day the exclusion is recorded; one still unmet after the next school day is
/// published as missed, once.
/// </summary>
public sealed class NotificationDutiesTests(ReferralsWithClock service) : IClassFixture<ReferralsWithClock>, IAsyncLifetime
{
    private const string Ours = "604201";
    private readonly Exclusions.ExclusionsClient _exclusions = new(service.Channel);

    public Task InitializeAsync() => RegisterSchoolAsync(service.Channel, Ours);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Inclusion.Referrals.V1.Pupil> PupilAsync(int serial, bool lookedAfter, SenStatus sen)
    {
        var upn = Upn(serial, "80120044");
        var yearGroup = 9;
        return await new Pupils.PupilsClient(service.Channel).CreatePupilAsync(new CreatePupilRequest
        {
            Pupil = new Inclusion.Referrals.V1.Pupil
            {
                Upn = upn, GivenName = "Morgan", FamilyName = "Privateperson", DateOfBirth = On(ThisSchoolYear - yearGroup - 5, 10, 9), Sex = Sex.Female,
                YearGroup = yearGroup, SchoolUrn = Ours, SenStatus = sen, LookedAfter = lookedAfter,
                SocialWorker = lookedAfter ? new SocialWorker { FullName = "Sam Private", Telephone = "01902 550000", Email = "sam.private@example.org" } : null,
            },
        }, Officer);
    }

    [Fact]
    public async Task A_looked_after_pupils_exclusion_owes_notifications_and_an_unmet_one_is_published_missed_once()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(service.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.DeadlineMissed");
        var pupil = await PupilAsync(1, lookedAfter: true, SenStatus.EhcPlan);
        var exclusion = await _exclusions.RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = pupil.Name, Kind = ExclusionKind.Suspension, StartDate = On(2025, 11, 3), Sessions = 2, ReasonCodes = { "DB" } },
        }, Officer);

        Assert.Equal([NotificationRecipient.SocialWorker, NotificationRecipient.VirtualSchoolHead, NotificationRecipient.SenCaseworker],
            exclusion.Notifications.Select(n => n.Recipient));
        Assert.All(exclusion.Notifications, n => Assert.Equal((DutyHolder.School, false), (n.Holder, n.Missed)));
        var today = service.FlowingClock.GetUtcNow();
        var told = await _exclusions.RecordNotificationAsync(new RecordNotificationRequest
        {
            Name = exclusion.Name, Recipient = NotificationRecipient.SocialWorker, ToldOn = On(today.Year, today.Month, today.Day),
            Method = NotificationMethod.Telephone, ToldBy = "Head of Year 9",
        }, Tokens.Header(InclusionRoles.School, Ours));
        Assert.Equal(NotificationMethod.Telephone, told.Notifications.Single(n => n.Recipient == NotificationRecipient.SocialWorker).Method);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _exclusions.RecordNotificationAsync(new RecordNotificationRequest
        {
            Name = exclusion.Name, Recipient = NotificationRecipient.SocialWorker, ToldOn = On(today.Year, today.Month, today.Day),
            Method = NotificationMethod.Email,
        }, Officer).ResponseAsync);

        // A week on (past the end of the next school day, whatever the day today), the two still unmet are missed.
        service.FlowingClock.Jump(TimeSpan.FromDays(7));
        var missed = new List<DeadlineMissed>();
        await Eventually.HoldsAsync(async () =>
        {
            missed.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<DeadlineMissed>(Encoding.UTF8.GetString(m.Body.Span))));
            return missed.Count(m => m.Exclusion == exclusion.Name) >= 2;
        }, "the unmet notifications were published as missed");
        await Task.Delay(1000); // more watcher rounds: nothing twice
        missed.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<DeadlineMissed>(Encoding.UTF8.GetString(m.Body.Span))));

        var ours = missed.Where(m => m.Exclusion == exclusion.Name).ToList();
        Assert.Equal(["NotifySenCaseworker", "NotifyVirtualSchoolHead"], ours.Select(m => m.Deadline).Order());
        Assert.All(ours, m => Assert.Equal("School", m.Holder));
        var json = string.Join("", ours.Select(m => m.ToString()));
        Assert.DoesNotContain("Sam Private", json, StringComparison.Ordinal); // identifiers only
        var read = await _exclusions.GetExclusionAsync(new GetExclusionRequest { Name = exclusion.Name }, Officer);
        Assert.Equal([false, true, true], read.Notifications.Select(n => n.Missed));
    }

    [Fact]
    public async Task A_pupil_with_none_of_those_circumstances_owes_no_notification()
    {
        var pupil = await PupilAsync(2, lookedAfter: false, SenStatus.SenSupport);
        var exclusion = await _exclusions.RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = pupil.Name, Kind = ExclusionKind.Suspension, StartDate = On(2025, 11, 4), Sessions = 2, ReasonCodes = { "DB" } },
        }, Officer);
        Assert.Empty(exclusion.Notifications);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _exclusions.RecordNotificationAsync(new RecordNotificationRequest
        {
            Name = exclusion.Name, Recipient = NotificationRecipient.VirtualSchoolHead, ToldOn = On(2025, 11, 4), Method = NotificationMethod.Email,
        }, Officer).ResponseAsync);
        await RpcAssert.InvalidFields(() => _exclusions.RecordNotificationAsync(new RecordNotificationRequest { Name = exclusion.Name }, Officer).ResponseAsync,
            "recipient", "method", "told_on");
    }
}
