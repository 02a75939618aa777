using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Meetings.V1;
using PanelDecisionMade = Inclusion.Events.V1.PanelDecisionMade;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using InclusionServices.Tests.Referrals;
using static InclusionServices.Tests.Referrals.ReferralsData;
using ReferralsApi = Inclusion.Referrals.V1;

namespace InclusionServices.Tests.Meetings;

/// <summary>Cases put to the ISAP panel on the 2020 secondary sittings the service ships, and the panel's decisions.</summary>
public sealed class PanelCasesTests(MeetingsWithReferrals suite) : IClassFixture<MeetingsWithReferrals>, IAsyncLifetime
{
    private const string Secondary = "621001";
    private const string Primary = "621002";
    private readonly PanelCases.PanelCasesClient _cases = new(suite.Meetings.Channel);
    private readonly Inclusion.Meetings.V1.Meetings.MeetingsClient _meetings = new(suite.Meetings.Channel);
    private static int _serial;

    public async Task InitializeAsync()
    {
        await RegisterSchoolAsync(suite.Referrals.Channel, Secondary, ReferralsApi.Phase.Secondary);
        await RegisterSchoolAsync(suite.Referrals.Channel, Primary, ReferralsApi.Phase.Primary);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A held Exclusion Prevention Meeting whose outcome referred the pupil to the panel.</summary>
    private async Task<Meeting> ReferredMeetingAsync(string school)
    {
        var pupil = await NewPupilAsync(suite.Referrals.Channel, school, 200 + Interlocked.Increment(ref _serial), yearGroup: school == Primary ? 5 : 9);
        var meeting = await _meetings.ScheduleMeetingAsync(new ScheduleMeetingRequest
        {
            Meeting = new Meeting
            {
                Kind = MeetingKind.ExclusionPreventionMeeting, Pupil = pupil.Name, LeadOfficer = "officer-3", Online = true, DurationMinutes = 60,
                StartTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2020, 2, 10, 10, 0, 0, TimeSpan.Zero)),
            },
        }, Officer);
        return await _meetings.RecordMeetingHeldAsync(new RecordMeetingHeldRequest
        {
            Name = meeting.Name, Etag = meeting.Etag, Outcome = MeetingOutcome.ReferredToIsapPanel,
        }, Officer);
    }

    private Task<PanelCase> SubmitAsync(string source, Google.Type.Date on) =>
        _cases.SubmitPanelCaseAsync(new SubmitPanelCaseRequest { Source = source, SubmittedOn = on }, Officer).ResponseAsync;

    [Theory]
    [InlineData(2020, 2, 20, 2020, 3, 5)]  // the 20 Feb sitting's cut-off was not published: the first with one is 28 Feb
    [InlineData(2020, 3, 13, 2020, 3, 19)] // on the cut-off day: that sitting
    [InlineData(2020, 3, 14, 2020, 4, 16)] // the day after: the next cut-off is 10 April, after the Easter holidays
    [InlineData(2020, 4, 1, 2020, 4, 16)]  // in the Easter gap
    [InlineData(2020, 5, 9, 2020, 6, 4)]   // after the 8 May cut-off: 22 May, whose sitting is after the May half term
    [InlineData(2020, 5, 23, 2020, 6, 18)] // across the half term: the next cut-off is 12 June
    [InlineData(2020, 6, 26, 2020, 7, 2)]  // the last cut-off
    public async Task A_case_goes_to_the_first_sitting_whose_cut_off_is_on_or_after_its_submission(
        int year, int month, int day, int meetingYear, int meetingMonth, int meetingDay)
    {
        var meeting = await ReferredMeetingAsync(Secondary);

        var listed = await SubmitAsync(meeting.Name, On(year, month, day));

        Assert.Equal((On(meetingYear, meetingMonth, meetingDay), PanelPhase.Secondary), (listed.MeetingDate, listed.Phase));
    }

    [Fact]
    public async Task After_the_last_cut_off_or_with_no_sitting_for_the_phase_a_case_is_refused_saying_none_is_scheduled()
    {
        var late = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await SubmitAsync((await ReferredMeetingAsync(Secondary)).Name, On(2020, 6, 27)));
        Assert.Contains("No secondary panel sitting is scheduled", late.Status.Detail, StringComparison.Ordinal);
        var primary = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () => await SubmitAsync((await ReferredMeetingAsync(Primary)).Name, On(2020, 3, 1)));
        Assert.Contains("No primary panel sitting is scheduled", primary.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_referral_the_team_accepted_can_go_to_the_panel_and_one_it_has_not_cannot()
    {
        var pupil = await NewPupilAsync(suite.Referrals.Channel, Secondary, 290);
        var referrals = new ReferralsApi.Referrals.ReferralsClient(suite.Referrals.Channel);
        var referral = await referrals.CreateReferralAsync(new ReferralsApi.CreateReferralRequest
        {
            Pupil = pupil.Name,
            Form = new ReferralsApi.ReferralForm
            {
                DateMade = On(2020, 2, 24), MainReason = "Escalating incidents", SupportWanted = "Panel", ParentalPermissionObtained = true,
                Referrer = new ReferralsApi.Referrer { FullName = "A Referrer", Email = "referrer@example.org", Telephone = "01902 555000" },
                ReferrerSignOff = new ReferralsApi.SignOff { FullName = "A Referrer", SignedOn = On(2020, 2, 24) },
                HeadTeacherSignOff = new ReferralsApi.SignOff { FullName = "A Head", SignedOn = On(2020, 2, 24) },
                SendcoSignOff = new ReferralsApi.SignOff { FullName = "A Sendco", SignedOn = On(2020, 2, 24) },
            },
        }, Officer);
        await referrals.SubmitReferralAsync(new ReferralsApi.SubmitReferralRequest { Name = referral.Name }, Officer);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => SubmitAsync(referral.Name, On(2020, 3, 1))); // not accepted yet

        await referrals.AcceptReferralAsync(new ReferralsApi.AcceptReferralRequest { Name = referral.Name }, Officer);
        PanelCase? listed = null;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                listed = await SubmitAsync(referral.Name, On(2020, 3, 1));
                return true;
            }
            catch (RpcException notYet) when (notYet.StatusCode == StatusCode.FailedPrecondition)
            {
                return false; // Meetings has not yet heard of the acceptance
            }
        }, "the accepted referral could be put to the panel");
        Assert.Equal((On(2020, 3, 19), pupil.Name, Secondary), (listed!.MeetingDate, listed.Pupil, listed.SchoolUrn));
    }

    [Fact]
    public async Task The_agenda_lists_a_sittings_cases_and_the_panels_decision_reaches_a_consumer()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Meetings.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.PanelDecisionMade");
        var listed = await SubmitAsync((await ReferredMeetingAsync(Secondary)).Name, On(2020, 4, 20));

        var agenda = await _cases.ListPanelCasesAsync(new ListPanelCasesRequest { PanelSitting = listed.PanelSitting }, Officer);
        Assert.Contains(agenda.PanelCases, c => c.Name == listed.Name);

        var decided = await _cases.RecordPanelDecisionAsync(new RecordPanelDecisionRequest
        {
            Name = listed.Name, Decision = PanelDecision.PreventativePlacement, Notes = "Two days a week at the provider",
        }, Officer);
        Assert.Equal(PanelDecision.PreventativePlacement, decided.Decision);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _cases.RecordPanelDecisionAsync(new RecordPanelDecisionRequest
        {
            Name = listed.Name, Decision = PanelDecision.NoAction,
        }, Officer).ResponseAsync);

        var decisions = new List<PanelDecisionMade>();
        await Eventually.HoldsAsync(async () =>
        {
            decisions.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<PanelDecisionMade>(Encoding.UTF8.GetString(m.Body.Span))));
            return decisions.Any(d => d.PanelCase == listed.Name);
        }, "the panel's decision was published");
        var decision = decisions.Single(d => d.PanelCase == listed.Name);
        Assert.Equal(("PREVENTATIVE_PLACEMENT", "2020-04-30", listed.Pupil, Secondary), (decision.Decision, decision.DecidedOn, decision.Pupil.Pupil, decision.Pupil.SchoolUrn));
        Assert.DoesNotContain("Two days a week", decision.ToString(), StringComparison.Ordinal);
    }
}
