using System.Text;
using Google.Type;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Referrals;

public sealed class ExclusionsServiceTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string Ours = "603001";
    private const string Theirs = "603002";
    private readonly Exclusions.ExclusionsClient _exclusions = new(service.Channel);
    private readonly Pupils.PupilsClient _pupils = new(service.Channel);


    public async Task InitializeAsync()
    {
        await ReferralsData.RegisterSchoolAsync(service.Channel, Ours);
        await ReferralsData.RegisterSchoolAsync(service.Channel, Theirs);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A new Year 9 pupil at our school.</summary>
    private Task<Inclusion.Referrals.V1.Pupil> NewPupilAsync(int serial) => ReferralsData.NewPupilAsync(service.Channel, Ours, serial);

    private Task<Exclusion> Record(Inclusion.Referrals.V1.Pupil pupil, Inclusion.Referrals.V1.ExclusionKind kind, Date start, int sessions,
        params string[] reasons) =>
        _exclusions.RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = pupil.Name, Kind = kind, StartDate = start, Sessions = sessions, ReasonCodes = { reasons } },
        }, Officer).ResponseAsync;

    private static (Date Due, Inclusion.Referrals.V1.DutyHolder Holder) Deadline(Exclusion exclusion, Inclusion.Referrals.V1.DeadlineKind kind)
    {
        var deadline = exclusion.Deadlines.Single(d => d.Kind == kind);
        return (deadline.Due, deadline.Holder);
    }

    [Fact]
    public async Task A_permanent_exclusion_starting_the_week_before_half_term_carries_its_statutory_deadlines()
    {
        var pupil = await NewPupilAsync(1);

        var exclusion = await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.PermanentExclusion, On(2022, 10, 17), 2, "PA", "OW");

        // Mon 17 Oct 2022, half term 24-28 Oct: day 6 is Mon 31 Oct; the board meets within 15 school days, by 14 Nov.
        Assert.Equal((On(2022, 10, 17), Inclusion.Referrals.V1.DutyHolder.School),
            Deadline(exclusion, Inclusion.Referrals.V1.DeadlineKind.ParentsToldOfSixthDayProvision));
        Assert.Equal((On(2022, 10, 31), Inclusion.Referrals.V1.DutyHolder.LocalAuthority),
            Deadline(exclusion, Inclusion.Referrals.V1.DeadlineKind.SixthDayProvision));
        Assert.Equal((On(2022, 11, 14), Inclusion.Referrals.V1.DutyHolder.GoverningBoard),
            Deadline(exclusion, Inclusion.Referrals.V1.DeadlineKind.GoverningBoardMeeting));
        Assert.Contains("15 school days", exclusion.Deadlines.Single(d => d.Kind == Inclusion.Referrals.V1.DeadlineKind.GoverningBoardMeeting).Rule,
            StringComparison.Ordinal);

        var read = await _exclusions.GetExclusionAsync(new GetExclusionRequest { Name = exclusion.Name }, Tokens.Header(InclusionRoles.School, Ours));
        Assert.Equal(exclusion.Deadlines, read.Deadlines);
    }

    [Fact]
    public async Task Reason_codes_must_be_in_use_on_the_first_day_and_no_more_than_the_limit()
    {
        var pupil = await NewPupilAsync(2);

        await RpcAssert.InvalidFields(() => Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2022, 11, 7), 2, "OT"),
            "exclusion.reason_codes[0]");  // OT was withdrawn from 2020/21
        await RpcAssert.InvalidFields(() => Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2022, 11, 7), 2, "DB", "PA", "VA", "DM"),
            "exclusion.reason_codes");      // at most three
        await RpcAssert.InvalidFields(() => Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2019, 11, 4), 2, "DB", "PA"),
            "exclusion.reason_codes");      // one reason only before 2020/21
        await RpcAssert.InvalidFields(() => Record(pupil, Inclusion.Referrals.V1.ExclusionKind.LunchtimeSuspension, On(2022, 11, 7), 2, "DB"),
            "exclusion.sessions");          // a lunchtime suspension is one session
        await RpcAssert.InvalidFields(() => Record(pupil, Inclusion.Referrals.V1.ExclusionKind.LunchtimeSuspension, On(2022, 10, 24), 1, "DB"),
            "exclusion.start_date");        // 24 Oct 2022 is in the half term
        Assert.Single((await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2019, 11, 4), 2, "OT")).ReasonCodes);
    }

    [Fact]
    public async Task The_45_day_cap_is_counted_across_schools()
    {
        var pupil = await NewPupilAsync(3);
        var first = await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2022, 11, 7), 86, "DB"); // 43 days
        Assert.Equal(86, first.SessionsSuspendedThisYear);
        var moved = await _pupils.MovePupilAsync(new MovePupilRequest
        {
            Name = pupil.Name, NewSchoolUrn = Theirs, Etag = pupil.Etag, MovedOn = On(Today.Year, Today.Month, Today.Day),
        }, Officer);
        Assert.Equal(Theirs, moved.SchoolUrn);

        var refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition,
            () => Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2023, 3, 6), 6, "DB"));  // 43 + 3 = 46 days
        Assert.Contains("46 school days", refused.Status.Detail, StringComparison.Ordinal);
        var allowed = await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2023, 3, 6), 4, "DB");  // exactly 45
        Assert.Equal((90, Theirs), (allowed.SessionsSuspendedThisYear, allowed.SchoolUrn));
    }

    [Fact]
    public async Task The_reviews_move_the_deadlines_on_and_out_of_order_steps_are_refused()
    {
        var pupil = await NewPupilAsync(4);
        var exclusion = await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.PermanentExclusion, On(2022, 10, 17), 2, "PA");
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _exclusions.RecordIrpApplicationAsync(
            new RecordIrpApplicationRequest { Name = exclusion.Name, AppliedOn = On(2022, 11, 20) }, Officer).ResponseAsync);

        await _exclusions.RecordBoardDecisionAsync(new RecordBoardDecisionRequest
        {
            Name = exclusion.Name, Decision = Inclusion.Referrals.V1.BoardDecision.Uphold, NotifiedOn = On(2022, 11, 14),
        }, Tokens.Header(InclusionRoles.School, Ours));
        var applied = await _exclusions.RecordIrpApplicationAsync(new RecordIrpApplicationRequest { Name = exclusion.Name, AppliedOn = On(2022, 12, 5) }, Officer);
        var decided = await _exclusions.RecordIrpDecisionAsync(new RecordIrpDecisionRequest
        {
            Name = exclusion.Name, Decision = Inclusion.Referrals.V1.IrpDecision.RecommendReconsideration, NotifiedOn = On(2023, 1, 11),
        }, Officer);

        Assert.Equal(On(2022, 12, 5), Deadline(applied, Inclusion.Referrals.V1.DeadlineKind.IrpApplication).Due);
        Assert.Equal(On(2023, 1, 10), Deadline(decided, Inclusion.Referrals.V1.DeadlineKind.IrpMeeting).Due); // 6-9 Dec (4), 12-16 (9), 3-6 Jan (13), 9, 10 (15)
        Assert.Equal(On(2023, 1, 25), Deadline(decided, Inclusion.Referrals.V1.DeadlineKind.GoverningBoardReconsideration).Due);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _exclusions.RecordIrpDecisionAsync(new RecordIrpDecisionRequest
        {
            Name = exclusion.Name, Decision = Inclusion.Referrals.V1.IrpDecision.Quash, NotifiedOn = On(2023, 1, 12),
        }, Officer).ResponseAsync);

        var suspension = await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2022, 10, 18), 2, "DB");
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _exclusions.RecordIrpApplicationAsync(
            new RecordIrpApplicationRequest { Name = suspension.Name, AppliedOn = On(2022, 11, 20) }, Officer).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _exclusions.GetExclusionAsync(
            new GetExclusionRequest { Name = suspension.Name }, Tokens.Header(InclusionRoles.School, Theirs)).ResponseAsync);
    }

    [Fact]
    public async Task A_board_meeting_deadline_that_passes_unmet_is_published_once_as_missed()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(service.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.DeadlineMissed");
        var pupil = await NewPupilAsync(5);

        var exclusion = await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.PermanentExclusion, On(2025, 11, 3), 2, "OW");

        var missed = new List<DeadlineMissed>();
        await Eventually.HoldsAsync(async () =>
        {
            missed.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<DeadlineMissed>(Encoding.UTF8.GetString(m.Body.Span))));
            return missed.Any(m => m.Exclusion == exclusion.Name);
        }, "the missed board meeting was published");
        await Task.Delay(1000); // several more watcher rounds
        missed.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<DeadlineMissed>(Encoding.UTF8.GetString(m.Body.Span))));

        var ours = Assert.Single(missed, m => m.Exclusion == exclusion.Name);
        Assert.Equal(("GoverningBoardMeeting", "GoverningBoard"), (ours.Deadline, ours.Holder));
        Assert.Equal(Deadline(exclusion, Inclusion.Referrals.V1.DeadlineKind.GoverningBoardMeeting).Due,
            On(int.Parse(ours.Due[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(ours.Due[5..7], System.Globalization.CultureInfo.InvariantCulture),
               int.Parse(ours.Due[8..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_referral_links_the_pupils_own_previous_exclusion_records_and_no_one_elses()
    {
        var pupil = await NewPupilAsync(7);
        var other = await NewPupilAsync(8);
        var own = await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2022, 11, 7), 4, "DB");
        var theirs = await Record(other, Inclusion.Referrals.V1.ExclusionKind.Suspension, On(2022, 11, 7), 4, "DB");
        var referrals = new Inclusion.Referrals.V1.Referrals.ReferralsClient(service.Channel);

        var linked = await referrals.CreateReferralAsync(new CreateReferralRequest
        {
            Pupil = pupil.Name, Form = new ReferralForm { PreviousExclusions = "Two days in November", PreviousExclusionRecords = { own.Name } },
        }, Officer);
        Assert.Equal([own.Name], linked.Form.PreviousExclusionRecords);

        await RpcAssert.InvalidFields(() => referrals.CreateReferralAsync(new CreateReferralRequest
        {
            Pupil = pupil.Name, Form = new ReferralForm { PreviousExclusionRecords = { theirs.Name } },
        }, Officer).ResponseAsync, "form.previous_exclusion_records[0]");
    }

    [Fact]
    public async Task No_event_this_service_published_names_a_pupil_or_holds_their_contact_details()
    {
        // Every kind of change the service makes, then its whole event history.
        var pupil = await NewPupilAsync(6);
        var exclusion = await Record(pupil, Inclusion.Referrals.V1.ExclusionKind.PermanentExclusion, On(2022, 10, 17), 2, "PA");
        await _exclusions.RecordBoardDecisionAsync(new RecordBoardDecisionRequest
        {
            Name = exclusion.Name, Decision = Inclusion.Referrals.V1.BoardDecision.Uphold, NotifiedOn = On(2022, 11, 14),
        }, Officer);
        var referrals = new Inclusion.Referrals.V1.Referrals.ReferralsClient(service.Channel);
        var referral = await referrals.CreateReferralAsync(new CreateReferralRequest
        {
            Pupil = pupil.Name,
            Form = new ReferralForm
            {
                DateMade = On(Today.Year, Today.Month, Today.Day), MainReason = "Concerns", SupportWanted = "An EPM", ParentalPermissionObtained = true,
                Referrer = new Referrer { FullName = "Private Referrer", Email = "referrer.private@example.org", Telephone = "01902 777000" },
                ReferrerSignOff = new SignOff { FullName = "Private Referrer", SignedOn = On(Today.Year, Today.Month, Today.Day) },
                HeadTeacherSignOff = new SignOff { FullName = "Private Head", SignedOn = On(Today.Year, Today.Month, Today.Day) },
                SendcoSignOff = new SignOff { FullName = "Private Sendco", SignedOn = On(Today.Year, Today.Month, Today.Day) },
            },
        }, Officer);
        await referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = referral.Name }, Officer);

        var history = new EventHistory.EventHistoryClient(service.Channel);
        var formatter = new Google.Protobuf.JsonFormatter(Google.Protobuf.JsonFormatter.Settings.Default.WithTypeRegistry(
            Google.Protobuf.Reflection.TypeRegistry.FromFiles(ReferralsEventsReflection.Descriptor, CalendarEventsReflection.Descriptor)));
        var events = new List<string>();
        using (var call = history.StreamEvents(new StreamEventsRequest(), Tokens.Header(InclusionRoles.Service)))
        {
            await foreach (var record in call.ResponseStream.ReadAllAsync())
            {
                events.Add(formatter.Format(record));
            }
        }

        Assert.Contains(events, e => e.Contains("ExclusionChanged", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("ReferralStatusChanged", StringComparison.Ordinal));
        var dateOfBirth = $"{ThisSchoolYear - 14}-10-09";
        foreach (var personal in new[] { "Morgan", "Privateperson", pupil.Upn, dateOfBirth, "WV4 5ZZ", "Private Road", "07700900789",
                     "lee.private", "Private Referrer", "referrer.private", "01902777000", "Private Head", "Private Sendco" })
        {
            Assert.DoesNotContain(events, e => e.Contains(personal, StringComparison.OrdinalIgnoreCase));
        }
    }
}
