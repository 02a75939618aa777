using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Audit.V1;
using Inclusion.Events.V1;
using Inclusion.Meetings.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using InclusionServices.Tests.Referrals;
using Microsoft.EntityFrameworkCore;
using static InclusionServices.Tests.Referrals.ReferralsData;
using ReferralsApi = Inclusion.Referrals.V1;

namespace InclusionServices.Tests.Meetings;

/// <summary>Meetings, driven over gRPC with Referrals running beside it on the same broker.</summary>
public sealed class MeetingLifecycleTests(MeetingsWithReferrals suite) : IClassFixture<MeetingsWithReferrals>, IAsyncLifetime
{
    private const string SchoolA = "620001";
    private const string SchoolB = "620002";
    private readonly Inclusion.Meetings.V1.Meetings.MeetingsClient _meetings = new(suite.Meetings.Channel);
    private static int _serial;

    public async Task InitializeAsync()
    {
        await RegisterSchoolAsync(suite.Referrals.Channel, SchoolA);
        await RegisterSchoolAsync(suite.Referrals.Channel, SchoolB);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<ReferralsApi.Pupil> NewPupilAsync() => ReferralsData.NewPupilAsync(suite.Referrals.Channel, SchoolA, 100 + Interlocked.Increment(ref _serial));

    private Task<Meeting> ScheduleAsync(ReferralsApi.Pupil pupil, DateTimeOffset start, MeetingKind kind = MeetingKind.ExclusionPreventionMeeting,
        string exclusion = "") =>
        _meetings.ScheduleMeetingAsync(new ScheduleMeetingRequest
        {
            Meeting = new Meeting
            {
                Kind = kind, Pupil = pupil.Name, StartTime = Timestamp.FromDateTimeOffset(start), DurationMinutes = 60, Location = "School hall",
                LeadOfficer = "officer-7", Exclusion = exclusion,
                Attendees =
                {
                    new Attendee { FullName = "Private Head", Kind = AttendeeKind.SchoolStaff, Role = "head teacher" },
                    new Attendee { FullName = "Private Parent", Kind = AttendeeKind.ParentOrCarer },
                    new Attendee { FullName = "Private Practitioner", Kind = AttendeeKind.Professional, Role = "practitioner", Organisation = "CAMHS" },
                },
            },
        }, Officer).ResponseAsync;

    private Task<Meeting> HoldAsync(Meeting meeting, MeetingOutcome outcome = MeetingOutcome.StaysInSchoolWithSupportPlan, params MeetingAction[] actions) =>
        _meetings.RecordMeetingHeldAsync(new RecordMeetingHeldRequest
        {
            Name = meeting.Name, Etag = meeting.Etag, Outcome = outcome,
            Attendees = { meeting.Attendees.Select(a => new Attendee(a) { Attended = true }) },
            Contributions =
            {
                new Contribution { Section = ContributionSection.WhatIsWorkingWell, Text = "Private praise of drama lessons", Contributor = "school" },
                new Contribution { Section = ContributionSection.WhatCouldExplainThisBehaviour, Text = "Private clinical observation", Contributor = "CAMHS", Confidential = true },
                new Contribution { Section = ContributionSection.PupilsVoice, Text = "Private words of the pupil" },
            },
            Actions = { actions },
        }, Officer).ResponseAsync;

    [Fact]
    public async Task The_full_life_of_an_exclusion_prevention_meeting()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Meetings.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.MeetingChanged");
        var pupil = await NewPupilAsync();
        var now = suite.Clock.GetUtcNow();

        var scheduled = await ScheduleAsync(pupil, now.AddHours(2));
        Assert.Equal((MeetingStatus.Scheduled, SchoolA, 3), (scheduled.Status, scheduled.SchoolUrn, scheduled.Attendees.Count));
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _meetings.GetMeetingAsync(new GetMeetingRequest { Name = scheduled.Name },
            Tokens.Header(InclusionRoles.School, SchoolB)).ResponseAsync);

        var moved = await _meetings.RescheduleMeetingAsync(new RescheduleMeetingRequest
        {
            Name = scheduled.Name, Etag = scheduled.Etag, StartTime = Timestamp.FromDateTimeOffset(now.AddHours(1)), DurationMinutes = 45,
            Online = true, Attendees = { scheduled.Attendees },
        }, Officer);
        Assert.True(moved.Online);
        await RpcAssert.FailsWith(StatusCode.Aborted, () => _meetings.RescheduleMeetingAsync(new RescheduleMeetingRequest
        {
            Name = scheduled.Name, Etag = scheduled.Etag, StartTime = Timestamp.FromDateTimeOffset(now.AddHours(3)), DurationMinutes = 45, Online = true,
        }, Officer).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => HoldAsync(moved)); // not started yet

        suite.Clock.Jump(TimeSpan.FromHours(2));
        var held = await HoldAsync(moved, MeetingOutcome.StaysInSchoolWithSupportPlan,
            new MeetingAction { Description = "Weekly check-in with the SENDCo", Owner = "SENDCo", DueDate = DateOf(now.AddDays(14)) });
        Assert.Equal(MeetingStatus.Held, held.Status);
        Assert.Equal(3, held.Contributions.Count);
        Assert.All(held.Attendees, a => Assert.True(a.Attended));
        Assert.EndsWith("/actions/1", Assert.Single(held.Actions).Name, StringComparison.Ordinal);

        // The school sees its meeting without the other agency's confidential contribution.
        var seenBySchool = await _meetings.GetMeetingAsync(new GetMeetingRequest { Name = held.Name }, Tokens.Header(InclusionRoles.School, SchoolA));
        Assert.Equal(2, seenBySchool.Contributions.Count);
        Assert.DoesNotContain(seenBySchool.Contributions, c => c.Confidential);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _meetings.CancelMeetingAsync(
            new CancelMeetingRequest { Name = held.Name, Reason = "too late" }, Officer).ResponseAsync);

        var steps = new List<MeetingChanged>();
        await Eventually.HoldsAsync(async () =>
        {
            steps.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<MeetingChanged>(Encoding.UTF8.GetString(m.Body.Span))));
            return steps.Count(s => s.Meeting == held.Name) == 3;
        }, "the meeting's three steps were published");
        var ours = steps.Where(s => s.Meeting == held.Name).ToList();
        Assert.Equal([MeetingStep.Scheduled, MeetingStep.Rescheduled, MeetingStep.Held], ours.Select(s => s.Step));
        Assert.Equal(("STAYS_IN_SCHOOL_WITH_SUPPORT_PLAN", SchoolA, SchoolPhase.Secondary), (ours[2].Outcome, ours[2].Pupil.SchoolUrn, ours[2].Pupil.Phase));
        var bodies = string.Join('\n', ours.Select(s => s.ToString()));
        foreach (var personal in new[] { "Private", "Morgan", "Privateperson", pupil.Upn })
        {
            Assert.DoesNotContain(personal, bodies, StringComparison.Ordinal);
        }

        var trail = await new Inclusion.Audit.V1.AuditTrail.AuditTrailClient(suite.Meetings.Channel).ListAuditEntriesAsync(
            new ListAuditEntriesRequest { Pupil = pupil.Name }, Manager);
        Assert.Contains(trail.Entries, e => e.Rpc == "/inclusion.meetings.v1.Meetings/GetMeeting" && e.SchoolUrn == SchoolA && e.Action == "read");
        Assert.Contains(trail.Entries, e => e.Rpc == "/inclusion.meetings.v1.Meetings/RecordMeetingHeld" && e.Action == "changed");
    }

    [Fact]
    public async Task An_action_becomes_overdue_on_the_clock_and_is_reported_once()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Meetings.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.MeetingActionOverdue");
        var now = suite.Clock.GetUtcNow();
        var meeting = await ScheduleAsync(await NewPupilAsync(), now.AddMinutes(-30));
        var held = await HoldAsync(meeting, MeetingOutcome.StaysInSchoolWithSupportPlan,
            new MeetingAction { Description = "Refer to the educational psychologist", Owner = "SENDCo", DueDate = DateOf(now.AddDays(3)) },
            new MeetingAction { Description = "Review the behaviour plan", Owner = "Head of year", DueDate = DateOf(now.AddDays(30)) });
        Assert.DoesNotContain(held.Actions, a => a.Overdue);

        suite.Clock.Jump(TimeSpan.FromDays(5));

        var overdue = new List<MeetingActionOverdue>();
        await Eventually.HoldsAsync(async () =>
        {
            overdue.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<MeetingActionOverdue>(Encoding.UTF8.GetString(m.Body.Span))));
            return overdue.Any(o => o.Meeting == held.Name);
        }, "the overdue action was published");
        await Task.Delay(1000); // several more watcher rounds
        overdue.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<MeetingActionOverdue>(Encoding.UTF8.GetString(m.Body.Span))));

        var reported = Assert.Single(overdue, o => o.Meeting == held.Name);
        Assert.Equal(held.Name + "/actions/1", reported.Action);
        var read = await _meetings.GetMeetingAsync(new GetMeetingRequest { Name = held.Name }, Officer);
        Assert.Equal([true, false], read.Actions.Select(a => a.Overdue));

        var done = await _meetings.CompleteActionAsync(new CompleteActionRequest { Name = held.Name + "/actions/1" }, Tokens.Header(InclusionRoles.School, SchoolA));
        Assert.False(done.Actions[0].Overdue);
        Assert.NotNull(done.Actions[0].CompletedOn);
    }

    [Fact]
    public async Task A_permanent_exclusion_marks_the_prevention_meetings_held_before_it_in_this_and_the_last_school_year()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Meetings.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.MeetingFollowedByPermanentExclusion");
        var pupil = await NewPupilAsync();
        var thisYear = await HoldAsync(await ScheduleAsync(pupil, new DateTimeOffset(2025, 10, 1, 9, 30, 0, TimeSpan.Zero)));
        var lastYear = await HoldAsync(await ScheduleAsync(pupil, new DateTimeOffset(2025, 3, 3, 9, 30, 0, TimeSpan.Zero)));
        var tooLongAgo = await HoldAsync(await ScheduleAsync(pupil, new DateTimeOffset(2023, 11, 1, 9, 30, 0, TimeSpan.Zero)));
        var teamAroundTheChild = await HoldAsync(await ScheduleAsync(pupil, new DateTimeOffset(2025, 10, 2, 9, 30, 0, TimeSpan.Zero), MeetingKind.TeamAroundTheChild));
        var afterwards = await HoldAsync(await ScheduleAsync(pupil, new DateTimeOffset(2025, 11, 20, 9, 30, 0, TimeSpan.Zero)));

        var exclusion = await new ReferralsApi.Exclusions.ExclusionsClient(suite.Referrals.Channel).RecordExclusionAsync(new ReferralsApi.RecordExclusionRequest
        {
            Exclusion = new ReferralsApi.Exclusion
            {
                Pupil = pupil.Name, Kind = ReferralsApi.ExclusionKind.PermanentExclusion, StartDate = On(2025, 11, 3), Sessions = 2, ReasonCodes = { "PA" },
            },
        }, Officer);

        var marked = new List<MeetingFollowedByPermanentExclusion>();
        await Eventually.HoldsAsync(async () =>
        {
            marked.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<MeetingFollowedByPermanentExclusion>(Encoding.UTF8.GetString(m.Body.Span))));
            return marked.Count(m => m.Exclusion == exclusion.Name) == 2;
        }, "both earlier prevention meetings were marked");
        Assert.Equal(new[] { lastYear.Name, thisYear.Name }.Order(), marked.Where(m => m.Exclusion == exclusion.Name).Select(m => m.Meeting).Order());
        foreach (var (meeting, followed) in new[] { (thisYear, true), (lastYear, true), (tooLongAgo, false), (teamAroundTheChild, false), (afterwards, false) })
        {
            var read = await _meetings.GetMeetingAsync(new GetMeetingRequest { Name = meeting.Name }, Officer);
            Assert.True(read.FollowedByPermanentExclusion == followed, $"{meeting.StartTime}: {read.FollowedByPermanentExclusion}");
        }
    }

    [Fact]
    public async Task An_irp_application_becomes_a_review_with_its_deadline_and_a_meeting_set_after_it_is_flagged()
    {
        var pupil = await NewPupilAsync();
        var exclusions = new ReferralsApi.Exclusions.ExclusionsClient(suite.Referrals.Channel);
        var exclusion = await exclusions.RecordExclusionAsync(new ReferralsApi.RecordExclusionRequest
        {
            Exclusion = new ReferralsApi.Exclusion { Pupil = pupil.Name, Kind = ReferralsApi.ExclusionKind.PermanentExclusion, StartDate = On(2025, 9, 2), Sessions = 2, ReasonCodes = { "PA" } },
        }, Officer);
        await exclusions.RecordBoardDecisionAsync(new ReferralsApi.RecordBoardDecisionRequest
        {
            Name = exclusion.Name, Decision = ReferralsApi.BoardDecision.Uphold, NotifiedOn = On(2025, 9, 19),
        }, Officer);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => ScheduleAsync(pupil, new DateTimeOffset(2025, 10, 20, 10, 0, 0, TimeSpan.Zero),
            MeetingKind.IndependentReviewPanel, exclusion.Name)); // no application reported yet
        await exclusions.RecordIrpApplicationAsync(new ReferralsApi.RecordIrpApplicationRequest { Name = exclusion.Name, AppliedOn = On(2025, 10, 1) }, Officer);

        // Applied Wed 1 Oct 2025: 2, 3 (2), 6-10 (7), 13-17 (12), 20, 21, 22 (15): the panel meets by Wed 22 October.
        IrpReview? review = null;
        await Eventually.HoldsAsync(async () =>
        {
            review = (await _meetings.ListIrpReviewsAsync(new ListIrpReviewsRequest { PageSize = 100 }, Officer)).Reviews.SingleOrDefault(r => r.Exclusion == exclusion.Name);
            return review is not null;
        }, "Meetings learned of the review");
        Assert.Equal(On(2025, 10, 22), review!.PanelDeadline);

        var late = await ScheduleAsync(pupil, new DateTimeOffset(2025, 10, 24, 10, 0, 0, TimeSpan.Zero), MeetingKind.IndependentReviewPanel, exclusion.Name);
        Assert.Equal((On(2025, 10, 22), true), (late.StatutoryDeadline, late.AfterStatutoryDeadline));
        var listed = (await _meetings.ListIrpReviewsAsync(new ListIrpReviewsRequest { PageSize = 100 }, Officer)).Reviews.Single(r => r.Exclusion == exclusion.Name);
        Assert.Equal((late.Name, true), (listed.Meeting, listed.MeetingAfterDeadline));
    }

    [Fact]
    public async Task A_meeting_for_a_pupil_referrals_does_not_know_is_refused()
    {
        var unknown = new ReferralsApi.Pupil { Name = "pupils/" + Guid.NewGuid() };
        var error = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => ScheduleAsync(unknown, suite.Clock.GetUtcNow().AddDays(1)));
        Assert.Contains("not a pupil known to Referrals", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_filter_by_pupil_kind_and_dates_and_a_school_sees_only_its_own()
    {
        var pupil = await NewPupilAsync();
        var first = await ScheduleAsync(pupil, new DateTimeOffset(2026, 1, 12, 10, 0, 0, TimeSpan.Zero));
        var second = await ScheduleAsync(pupil, new DateTimeOffset(2026, 1, 19, 10, 0, 0, TimeSpan.Zero), MeetingKind.TeamAroundTheChild);

        var byPupil = await _meetings.ListMeetingsAsync(new ListMeetingsRequest { Pupil = pupil.Name }, Officer);
        Assert.Equal([first.Name, second.Name], byPupil.Meetings.Select(m => m.Name));
        var tacs = await _meetings.ListMeetingsAsync(new ListMeetingsRequest { Pupil = pupil.Name, Kind = MeetingKind.TeamAroundTheChild }, Officer);
        Assert.Equal([second.Name], tacs.Meetings.Select(m => m.Name));
        var inWeek = await _meetings.ListMeetingsAsync(new ListMeetingsRequest { Pupil = pupil.Name, From = On(2026, 1, 10), To = On(2026, 1, 16) }, Officer);
        Assert.Equal([first.Name], inWeek.Meetings.Select(m => m.Name));
        var asOtherSchool = await _meetings.ListMeetingsAsync(new ListMeetingsRequest { Pupil = pupil.Name, SchoolUrn = SchoolA },
            Tokens.Header(InclusionRoles.School, SchoolB));
        Assert.Empty(asOtherSchool.Meetings);
    }

    private static Google.Type.Date DateOf(DateTimeOffset time) => On(time.Year, time.Month, time.Day);

    [Fact]
    public async Task A_suspension_is_acknowledged_without_touching_the_database_and_a_permanent_exclusion_is_applied()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Meetings.BrokerConnectionString!);
        using var consumed = ConsumedMessages.On(suite.Meetings.Services);
        var pupil = await NewPupilAsync();
        var suspension = ExclusionEvents.Changed(ExclusionStep.SuspensionRecorded, ExclusionEventKind.Suspension, pupil.Name, SchoolA);
        var permanent = ExclusionEvents.Changed(ExclusionStep.PermanentExclusionRecorded, ExclusionEventKind.PermanentExclusion, pupil.Name, SchoolA);
        await ExclusionEvents.PublishAsync(plain, suspension, permanent);

        Task<bool> InInbox(ExclusionChanged changed) =>
            suite.Meetings.WithDatabase(db => db.InboxEntries.AnyAsync(e => e.EventId == Guid.Parse(changed.Metadata.EventId)));
        await Eventually.HoldsAsync(() => InInbox(permanent), "the permanent exclusion was applied");
        // The suspension was consumed without a fault (not lost, not waiting), and left nothing behind.
        await Eventually.HoldsAsync(() => Task.FromResult(consumed.Consumed(suspension.Metadata)), "the suspension was consumed");
        Assert.False(await InInbox(suspension));
    }
}
