using System.Text;
using Google.Type;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using static InclusionServices.Tests.Referrals.ReferralsData;
using DeadlineKind = Inclusion.Referrals.V1.DeadlineKind;
using DutyHolder = Inclusion.Referrals.V1.DutyHolder;
using ExclusionKind = Inclusion.Referrals.V1.ExclusionKind;

namespace InclusionServices.Tests.Referrals;

/// <summary>
/// Changes to an exclusion as the regulations and guidance allow them: the head teacher withdrawing one the board has
/// not considered, a further suspension straight after one, and a permanent exclusion replacing a suspension.
/// Dates are in 2022/23 and 2025/26 (half terms: 24-28 Oct 2022; 27-31 Oct 2025).
/// </summary>
public sealed class ExclusionChangesTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string Ours = "604001";
    private readonly Exclusions.ExclusionsClient _exclusions = new(service.Channel);
    private static Metadata School => Tokens.Header(InclusionRoles.School, Ours);

    public Task InitializeAsync() => RegisterSchoolAsync(service.Channel, Ours);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Exclusion> Record(Inclusion.Referrals.V1.Pupil pupil, ExclusionKind kind, Date start, int sessions) =>
        await _exclusions.RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = pupil.Name, Kind = kind, StartDate = start, Sessions = sessions, ReasonCodes = { "DB" } },
        }, School);

    private async Task<Exclusion> Withdraw(Exclusion exclusion, Date on) =>
        await _exclusions.WithdrawExclusionAsync(new WithdrawExclusionRequest { Name = exclusion.Name, WithdrawnOn = on, Reason = "New evidence" }, School);

    /// <summary>The ExclusionChanged event published for the exclusion, from a queue bound before it was made.</summary>
    private static async Task<ExclusionChanged> PublishedAsync(PlainRabbitMq plain, string queue, string exclusion)
    {
        var events = new List<ExclusionChanged>();
        await Eventually.HoldsAsync(async () =>
        {
            events.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<ExclusionChanged>(Encoding.UTF8.GetString(m.Body.Span))));
            return events.Any(e => e.Exclusion == exclusion);
        }, $"{exclusion} was published");
        return events.Single(e => e.Exclusion == exclusion);
    }

    private static StatutoryDeadline Deadline(Exclusion exclusion, DeadlineKind kind) => exclusion.Deadlines.Single(d => d.Kind == kind);

    [Fact]
    public async Task A_suspension_withdrawn_before_it_began_no_longer_counts_toward_the_45_day_limit()
    {
        var pupil = await NewPupilAsync(service.Channel, Ours, 101);
        var first = await Record(pupil, ExclusionKind.Suspension, On(2022, 11, 7), 86); // 43 days
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Record(pupil, ExclusionKind.Suspension, On(2023, 3, 6), 12));

        var withdrawn = await Withdraw(first, On(2022, 11, 4)); // the Friday before it began
        Assert.Equal(On(2022, 11, 4), withdrawn.WithdrawnOn);
        Assert.Equal(("New evidence", 0), (withdrawn.WithdrawalReason, withdrawn.SessionsSuspendedThisYear));
        Assert.Empty(withdrawn.Deadlines); // a withdrawn exclusion owes nothing

        var later = await Record(pupil, ExclusionKind.Suspension, On(2023, 3, 6), 12);
        Assert.Equal(12, later.SessionsSuspendedThisYear);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Withdraw(first, On(2022, 11, 4))); // once only
    }

    [Fact]
    public async Task The_days_served_before_a_withdrawal_still_count_and_later_tallies_are_recounted()
    {
        var pupil = await NewPupilAsync(service.Channel, Ours, 102);
        var first = await Record(pupil, ExclusionKind.Suspension, On(2022, 11, 7), 10); // Mon 7 - Fri 11 Nov
        var second = await Record(pupil, ExclusionKind.Suspension, On(2022, 11, 21), 4);
        Assert.Equal(14, second.SessionsSuspendedThisYear);

        // Withdrawn on Wed 9 Nov: Monday and Tuesday were spent out of school (4 sessions).
        var withdrawn = await Withdraw(first, On(2022, 11, 9));
        Assert.Equal(4, withdrawn.SessionsSuspendedThisYear);
        var recounted = await _exclusions.GetExclusionAsync(new GetExclusionRequest { Name = second.Name }, School);
        Assert.Equal(8, recounted.SessionsSuspendedThisYear); // 4 served + its own 4
    }

    [Fact]
    public async Task A_withdrawn_permanent_exclusion_owes_no_board_meeting_and_one_the_board_considered_cannot_be_withdrawn()
    {
        var pupil = await NewPupilAsync(service.Channel, Ours, 103);
        var exclusion = await Record(pupil, ExclusionKind.PermanentExclusion, On(2022, 10, 17), 2);
        Assert.Contains(exclusion.Deadlines, d => d.Kind == DeadlineKind.GoverningBoardMeeting);
        var withdrawn = await Withdraw(exclusion, On(2022, 10, 19));
        Assert.Empty(withdrawn.Deadlines);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _exclusions.RecordBoardDecisionAsync(new RecordBoardDecisionRequest
        {
            Name = exclusion.Name, Decision = Inclusion.Referrals.V1.BoardDecision.Uphold, NotifiedOn = On(2022, 11, 1),
        }, School).ResponseAsync);

        var other = await NewPupilAsync(service.Channel, Ours, 104);
        var considered = await Record(other, ExclusionKind.PermanentExclusion, On(2022, 10, 17), 2);
        await _exclusions.RecordBoardDecisionAsync(new RecordBoardDecisionRequest
        {
            Name = considered.Name, Decision = Inclusion.Referrals.V1.BoardDecision.Uphold, NotifiedOn = On(2022, 11, 1),
        }, School);
        var refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => Withdraw(considered, On(2022, 11, 2)));
        Assert.Contains("governing board has considered", refused.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.InvalidFields(() => Withdraw(considered, On(Today.Year + 1, 1, 1)), "withdrawn_on");
    }

    [Fact]
    public async Task A_further_suspension_follows_the_first_straight_on_and_the_two_owe_the_schools_sixth_day_duty()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(service.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.ExclusionChanged");
        var pupil = await NewPupilAsync(service.Channel, Ours, 105);
        var first = await Record(pupil, ExclusionKind.Suspension, On(2025, 11, 3), 6); // Mon 3 - Wed 5 Nov
        Assert.DoesNotContain(first.Deadlines, d => d.Kind == DeadlineKind.SixthDayProvision);

        var request = new ExtendSuspensionRequest { Name = first.Name, FurtherSessions = 6, RequestId = Guid.NewGuid().ToString() };
        var further = await _exclusions.ExtendSuspensionAsync(request, School);
        Assert.Equal((ExclusionKind.Suspension, On(2025, 11, 6), first.Name), (further.Kind, further.StartDate, further.Follows));
        Assert.Equal(["DB"], further.ReasonCodes);
        // Six consecutive days from Mon 3 Nov: the school provides from Mon 10 Nov.
        var sixthDay = Deadline(further, DeadlineKind.SixthDayProvision);
        Assert.Equal((On(2025, 11, 10), DutyHolder.School), (sixthDay.Due, sixthDay.Holder));
        Assert.Equal(12, further.SessionsSuspendedThisYear);
        Assert.Equal(further.Name, (await _exclusions.ExtendSuspensionAsync(request, School)).Name); // the same request once

        await RpcAssert.InvalidFields(() => _exclusions.ExtendSuspensionAsync(
            new ExtendSuspensionRequest { Name = first.Name, FurtherSessions = 0 }, School).ResponseAsync, "further_sessions");
        var permanent = await Record(pupil, ExclusionKind.PermanentExclusion, On(2025, 11, 17), 2);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _exclusions.ExtendSuspensionAsync(
            new ExtendSuspensionRequest { Name = permanent.Name, FurtherSessions = 2 }, School).ResponseAsync);

        var published = await PublishedAsync(plain, queue, further.Name);
        Assert.Equal((ExclusionStep.SuspensionRecorded, first.Name, "2025-11-10", "School"),
            (published.Step, published.Follows, published.SixthDayProvisionDue, published.SixthDayProvisionHolder));
    }

    [Fact]
    public async Task A_suspension_converted_to_a_permanent_exclusion_moves_the_sixth_day_duty_to_the_local_authority()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(service.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.ExclusionChanged");
        var pupil = await NewPupilAsync(service.Channel, Ours, 106);
        // Mon 10 - Fri 14 Nov 2025, then Mon 17 and Tue 18: seven days, so the school owes provision from Mon 17 Nov.
        var suspension = await Record(pupil, ExclusionKind.Suspension, On(2025, 11, 10), 14);
        Assert.Equal((On(2025, 11, 17), DutyHolder.School),
            (Deadline(suspension, DeadlineKind.SixthDayProvision).Due, Deadline(suspension, DeadlineKind.SixthDayProvision).Holder));

        var permanent = await _exclusions.ConvertToPermanentExclusionAsync(
            new ConvertToPermanentExclusionRequest { Name = suspension.Name, ReasonCodes = { "PA" } }, School);
        Assert.Equal((ExclusionKind.PermanentExclusion, On(2025, 11, 19), suspension.Name, 2), (permanent.Kind, permanent.StartDate, permanent.Follows, permanent.Sessions));
        Assert.Equal(["PA"], permanent.ReasonCodes);
        // The local authority's duty, from the sixth school day of the permanent exclusion (Wed 19 Nov: 19, 20, 21, 24, 25, 26).
        var sixthDay = Deadline(permanent, DeadlineKind.SixthDayProvision);
        Assert.Equal((On(2025, 11, 26), DutyHolder.LocalAuthority), (sixthDay.Due, sixthDay.Holder));
        Assert.Contains(permanent.Deadlines, d => d.Kind == DeadlineKind.GoverningBoardMeeting);
        // The suspension stands, with what it owed.
        var stands = await _exclusions.GetExclusionAsync(new GetExclusionRequest { Name = suspension.Name }, School);
        Assert.Equal(("", suspension.Deadlines.Count), (stands.Follows, stands.Deadlines.Count));

        var published = await PublishedAsync(plain, queue, permanent.Name);
        Assert.Equal((ExclusionStep.PermanentExclusionRecorded, suspension.Name, "2025-11-26", "LocalAuthority"),
            (published.Step, published.Follows, published.SixthDayProvisionDue, published.SixthDayProvisionHolder));
    }
}
