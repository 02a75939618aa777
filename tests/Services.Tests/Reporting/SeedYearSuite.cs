using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Meetings.V1;
using Inclusion.Placements.V1;
using Inclusion.Referrals.V1;
using Inclusion.Reporting.V1;
using ExclusionKind = Inclusion.Referrals.V1.ExclusionKind;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using static InclusionServices.Tests.Referrals.ReferralsData;
using static InclusionServices.Tests.Reporting.Dates;
using Date = Google.Type.Date;
using ReferralsData = InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Reporting;

/// <summary>
/// The seed's 2019/20 school year, made only through the public gRPC APIs of Referrals, Meetings and Placements, as the
/// team would have recorded it: 49 Exclusion Prevention Meetings for secondary and special pupils, 4 of them later
/// permanently excluded; 26 for primary pupils, 1 later excluded. Around it, enough of the rest of the work for every
/// report to have something to say: suspensions for several reasons and pupils (one near the 45-day cap), a lunchtime
/// suspension, an ISAP panel case and its decision, a placement that ended in reintegration, a part-time timetable
/// whose review went by, this year's referrals, and the rolls managers record. Ready once Reporting has applied it all.
/// </summary>
public sealed class SeedYearSuite : ReportingSuite
{
    public const string Secondary = "630001";
    public const string Special = "630002";
    public const string Primary = "630003";
    public const int SeedYear = 2019;

    public static readonly int ThisYear = ReferralsData.ThisSchoolYear;
    public static Metadata Officer => Tokens.Header(InclusionRoles.Officer);
    public static Metadata Manager => Tokens.Header(InclusionRoles.Manager);
    public static Metadata Analyst => Tokens.Header(InclusionRoles.Analyst);

    public Inclusion.Reporting.V1.Reports.ReportsClient Reports => new(Reporting.Channel);

    /// <summary>The five permanent exclusions (exclusions/{id}) that followed meetings.</summary>
    public List<string> PermanentExclusions { get; } = [];
    /// <summary>The pupil suspended for 41 days in 2019/20 (pupils/{id}).</summary>
    public string NearCapPupil { get; private set; } = "";
    public string NearCapExclusion { get; private set; } = "";
    public string OverdueTimetable { get; private set; } = "";

    /// <summary>A queue bound to every event's exchange before the scenario starts: everything the bus carried.</summary>
    public PlainRabbitMq Bus { get; private set; } = null!;
    public string EverythingQueue { get; private set; } = "";
    /// <summary>The UPNs of every pupil the scenario made (they must never leave Referrals).</summary>
    public List<string> Upns { get; } = [];

    private int _serial;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Bus = await PlainRabbitMq.ConnectAsync(Reporting.BrokerConnectionString!);
        EverythingQueue = await Bus.BindQueueAsync(InclusionServices.EventBus.EventCatalog.PublishedBy.Values.SelectMany(e => e).ToArray());
        var referrals = Referrals.Channel;
        await RegisterSchoolAsync(referrals, Secondary, Phase.Secondary);
        await RegisterSchoolAsync(referrals, Special, Phase.Special);
        await RegisterSchoolAsync(referrals, Primary, Phase.Primary);

        // 49 secondary and special (40 + 9), 26 primary; the first pupils of each are later permanently excluded.
        var secondaryMeetings = new List<(Pupil Pupil, Meeting Meeting)>();
        for (var i = 0; i < 49; i++)
        {
            secondaryMeetings.Add(await PreventionMeetingAsync(i < 40 ? Secondary : Special, 9, Day(2019, 9, 16).AddDays(i)));
        }
        var primaryMeetings = new List<(Pupil Pupil, Meeting Meeting)>();
        for (var i = 0; i < 26; i++)
        {
            primaryMeetings.Add(await PreventionMeetingAsync(Primary, 5, Day(2019, 9, 23).AddDays(i)));
        }
        foreach (var (pupil, _) in secondaryMeetings.Take(3).Append(secondaryMeetings[45]).Append(primaryMeetings[0]))
        {
            PermanentExclusions.Add((await RecordExclusionAsync(pupil, ExclusionKind.PermanentExclusion, Day(2020, 2, 4), 2, "PA")).Name);
        }

        // Suspensions at the secondary school, by pupils with different needs, and one near the cap.
        var supported = Made(await NewPupilAsync(referrals, Secondary, 300, 8, SenStatus.SenSupport, freeSchoolMeals: true));
        await RecordExclusionAsync(supported, ExclusionKind.Suspension, Day(2019, 11, 5), 2, "DB");
        await RecordExclusionAsync(supported, ExclusionKind.Suspension, Day(2020, 1, 14), 4, "PA");
        await RecordExclusionAsync(Made(await NewPupilAsync(referrals, Secondary, 301, 8)), ExclusionKind.Suspension, Day(2019, 11, 12), 2, "DB");
        var withPlan = Made(await NewPupilAsync(referrals, Secondary, 302, 10, SenStatus.EhcPlan, sex: Sex.Female));
        await RecordExclusionAsync(withPlan, ExclusionKind.LunchtimeSuspension, Day(2020, 1, 15), 1, "VA");
        var nearCap = Made(await NewPupilAsync(referrals, Secondary, 303, 10, freeSchoolMeals: true));
        NearCapPupil = nearCap.Name;
        NearCapExclusion = (await RecordExclusionAsync(nearCap, ExclusionKind.Suspension, Day(2019, 11, 4), 82, "DB")).Name;
        await RecordExclusionAsync(Made(await NewPupilAsync(referrals, Secondary, 304, 11, SenStatus.SenSupport)), ExclusionKind.Suspension,
            Day(2020, 3, 3), 2, "DB");

        await PanelCaseAsync(secondaryMeetings[10].Pupil);
        await PlacementAndTimetableAsync(Made(await NewPupilAsync(referrals, Secondary, 305, 9)));
        await ThisYearsReferralsAsync();
        await RecordRollsAsync();
        await WaitUntilAppliedAsync();
    }

    public override async Task DisposeAsync()
    {
        await Bus.DisposeAsync();
        await base.DisposeAsync();
    }

    private Pupil Made(Pupil pupil)
    {
        lock (Upns)
        {
            Upns.Add(pupil.Upn);
        }
        return pupil;
    }

    private async Task<(Pupil, Meeting)> PreventionMeetingAsync(string school, int yearGroup, DateTime day)
    {
        var pupil = Made(await NewPupilAsync(Referrals.Channel, school, Interlocked.Increment(ref _serial), yearGroup));
        var meetings = new Inclusion.Meetings.V1.Meetings.MeetingsClient(Meetings.Channel);
        var scheduled = await meetings.ScheduleMeetingAsync(new ScheduleMeetingRequest
        {
            Meeting = new Meeting
            {
                Kind = MeetingKind.ExclusionPreventionMeeting, Pupil = pupil.Name, StartTime = Timestamp.FromDateTime(day.AddHours(10)),
                DurationMinutes = 60, Location = "School", LeadOfficer = "officer-7",
                Attendees = { new Attendee { FullName = "Private Parent", Kind = AttendeeKind.ParentOrCarer } },
            },
        }, Officer);
        var held = await meetings.RecordMeetingHeldAsync(new RecordMeetingHeldRequest
        {
            Name = scheduled.Name, Etag = scheduled.Etag, Outcome = MeetingOutcome.StaysInSchoolWithSupportPlan,
            Attendees = { scheduled.Attendees.Select(a => new Attendee(a) { Attended = true }) },
        }, Officer);
        return (pupil, held);
    }

    public async Task<Inclusion.Referrals.V1.Exclusion> RecordExclusionAsync(Pupil pupil, ExclusionKind kind, DateTime start, int sessions,
        string reason) =>
        await new Exclusions.ExclusionsClient(Referrals.Channel).RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Inclusion.Referrals.V1.Exclusion
            {
                Pupil = pupil.Name, Kind = kind, StartDate = AsDate(start), Sessions = sessions, ReasonCodes = { reason },
            },
        }, Officer);

    private async Task PanelCaseAsync(Pupil pupil)
    {
        var meetings = new Inclusion.Meetings.V1.Meetings.MeetingsClient(Meetings.Channel);
        var scheduled = await meetings.ScheduleMeetingAsync(new ScheduleMeetingRequest
        {
            Meeting = new Meeting
            {
                Kind = MeetingKind.TeamAroundTheChild, Pupil = pupil.Name, StartTime = Timestamp.FromDateTime(new DateTime(2020, 2, 24, 10, 0, 0, DateTimeKind.Utc)),
                DurationMinutes = 60, Location = "School", LeadOfficer = "officer-7",
                Attendees = { new Attendee { FullName = "Private Parent", Kind = AttendeeKind.ParentOrCarer } },
            },
        }, Officer);
        var held = await meetings.RecordMeetingHeldAsync(new RecordMeetingHeldRequest
        {
            Name = scheduled.Name, Etag = scheduled.Etag, Outcome = MeetingOutcome.ReferredToIsapPanel,
            Attendees = { scheduled.Attendees.Select(a => new Attendee(a) { Attended = true }) },
        }, Officer);
        var cases = new PanelCases.PanelCasesClient(Meetings.Channel);
        var listed = await cases.SubmitPanelCaseAsync(new SubmitPanelCaseRequest { Source = held.Name, SubmittedOn = AsDate(new DateTime(2020, 2, 25)) }, Officer);
        await cases.RecordPanelDecisionAsync(new RecordPanelDecisionRequest { Name = listed.Name, Decision = PanelDecision.MoreSupportInSchool }, Officer);
    }

    private async Task PlacementAndTimetableAsync(Pupil pupil)
    {
        var providers = new Providers.ProvidersClient(Placements.Channel);
        var provider = await providers.CreateProviderAsync(new CreateProviderRequest
        {
            Provider = new Provider
            {
                DisplayName = "Orchard Centre", Registration = ProviderRegistration.RegisteredSchool, Capacity = 4, Urn = "140999",
                Phases = { ProviderPhase.Secondary }, YoungestAge = 11, OldestAge = 16,
            },
        }, Manager);
        var placements = new Inclusion.Placements.V1.Placements.PlacementsClient(Placements.Channel);
        var proposed = await placements.ProposePlacementAsync(new ProposePlacementRequest
        {
            Placement = new Placement { Kind = PlacementKind.Preventative, Pupil = pupil.Name, FullTime = true },
        }, Officer);
        var agreed = await placements.AgreePlacementAsync(new AgreePlacementRequest
        {
            Name = proposed.Name, Provider = provider.Name, StartDate = AsDate(new DateTime(2019, 11, 4)), EndDate = AsDate(new DateTime(2020, 2, 14)),
            FullTime = true, Etag = proposed.Etag,
        }, Officer);
        await placements.StartPlacementAsync(new StartPlacementRequest { Name = agreed.Name }, Officer);
        await placements.EndPlacementAsync(new EndPlacementRequest
        {
            Name = agreed.Name, EndedOn = AsDate(new DateTime(2020, 2, 14)), Outcome = PlacementOutcome.ReintegratedToMainstream,
        }, Officer);

        // Started 6 January 2020: its first review fell due on the 20th and never happened.
        var timetable = await new PartTimeTimetables.PartTimeTimetablesClient(Placements.Channel).RecordPartTimeTimetableAsync(
            new RecordPartTimeTimetableRequest
            {
                PartTimeTimetable = new PartTimeTimetable
                {
                    Pupil = pupil.Name, HoursPerWeek = 15, Reason = "Phased return after illness", StartDate = AsDate(new DateTime(2020, 1, 6)),
                    PlannedEnd = AsDate(new DateTime(2020, 3, 27)), ParentsAgreed = true, ParentsAgreedOn = AsDate(new DateTime(2020, 1, 3)),
                },
            }, Officer);
        OverdueTimetable = timetable.Name;
    }

    /// <summary>Three referrals this school year from the secondary school: one accepted and contacted, one declined, one waiting.</summary>
    private async Task ThisYearsReferralsAsync()
    {
        var client = new Inclusion.Referrals.V1.Referrals.ReferralsClient(Referrals.Channel);
        var school = Tokens.Header(InclusionRoles.School, Secondary);
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var pupil = Made(await NewPupilAsync(Referrals.Channel, Secondary, 400 + i, 9));
            var draft = await client.CreateReferralAsync(new CreateReferralRequest { Pupil = pupil.Name, Form = CompleteForm() }, school);
            await client.SubmitReferralAsync(new SubmitReferralRequest { Name = draft.Name }, school);
            names.Add(draft.Name);
        }
        await client.AcceptReferralAsync(new AcceptReferralRequest { Name = names[0] }, Officer);
        await client.AllocateReferralAsync(new AllocateReferralRequest { Name = names[0], Officer = "officer-7" }, Manager);
        await client.RecordFirstContactAsync(new RecordFirstContactRequest { Name = names[0] }, Officer);
        await client.DeclineReferralAsync(new DeclineReferralRequest { Name = names[1], Reason = "Better met by the SEND team" }, Officer);
    }

    /// <summary>The local authority's 2019/20 roll by SEN status and free school meals, and each school's own.</summary>
    private async Task RecordRollsAsync()
    {
        var rolls = new SchoolRolls.SchoolRollsClient(Reporting.Channel);
        await rolls.RecordSchoolRollAsync(new RecordSchoolRollRequest
        {
            Roll = new SchoolRoll
            {
                SchoolYearStart = SeedYear, Pupils = 40_000,
                Groups =
                {
                    new GroupHeadcount { Characteristic = Characteristic.SenStatus, Group = "NO_SEN", Pupils = 34_000 },
                    new GroupHeadcount { Characteristic = Characteristic.SenStatus, Group = "SEN_SUPPORT", Pupils = 5_000 },
                    new GroupHeadcount { Characteristic = Characteristic.SenStatus, Group = "EHC_PLAN", Pupils = 1_000 },
                    new GroupHeadcount { Characteristic = Characteristic.FreeSchoolMeals, Group = "ELIGIBLE", Pupils = 10_000 },
                    new GroupHeadcount { Characteristic = Characteristic.FreeSchoolMeals, Group = "NOT_ELIGIBLE", Pupils = 30_000 },
                },
            },
        }, Manager);
        foreach (var (urn, pupils) in new[] { (Secondary, 1_000), (Special, 100), (Primary, 400) })
        {
            await rolls.RecordSchoolRollAsync(new RecordSchoolRollRequest { Roll = new SchoolRoll { SchoolUrn = urn, SchoolYearStart = SeedYear, Pupils = pupils } }, Manager);
        }
    }

    private static ReferralForm CompleteForm() => new()
    {
        DateMade = AsDate(DateTime.UtcNow),
        Referrer = new Referrer { FullName = "Pat Tutor", Email = "pat.tutor@school.example.org", Telephone = "01902 555000", RelationshipToChild = "form tutor" },
        AttainmentAndProgress = "Working towards ARE in reading",
        LevelsOfSupport = "1-1 for 5 hours a week",
        PreviousExclusions = "None",
        ExclusionPreventionMeetingHeld = true,
        ExclusionPreventionMeetingDetails = "Held last month with the family",
        MainReason = "Persistent disruption after lunch",
        SupportWanted = "Advice and an EPM",
        ParentalPermissionObtained = true,
        ReferrerSignOff = new SignOff { FullName = "Pat Tutor", SignedOn = AsDate(DateTime.UtcNow) },
        HeadTeacherSignOff = new SignOff { FullName = "Head Teacher", SignedOn = AsDate(DateTime.UtcNow) },
        SendcoSignOff = new SignOff { FullName = "SENDCo", SignedOn = AsDate(DateTime.UtcNow) },
    };

    /// <summary>
    /// Waits until Reporting holds what the scenario caused, including what the services' watchers raise on their own
    /// (missed board meetings and sixth days, the overdue review), and then until no producer has published anything
    /// new for a few seconds and none is behind: from then on every report is stable.
    /// </summary>
    private async Task WaitUntilAppliedAsync()
    {
        var seed = new ReportRequest { SchoolYearStart = SeedYear };
        await Eventually.HoldsAsync(async () =>
        {
            var prevention = await Reports.GetPreventionSummaryAsync(seed, Manager);
            var compliance = await Reports.GetComplianceReportAsync(seed, Manager);
            var placements = await Reports.GetPlacementsReportAsync(seed, Manager);
            var board = compliance.Duties.Single(d => d.Duty == "governing_board_meeting");
            var sixthDay = compliance.Duties.Single(d => d.Duty == "sixth_day_provision");
            return prevention.Total.Meetings.Value == 75 && prevention.Total.FollowedByPermanentExclusion.Value == 5
                && PermanentExclusions.All(e => board.Misses.Any(m => m.Exclusion == e))
                && PermanentExclusions.Append(NearCapExclusion).All(e => sixthDay.Misses.Any(m => m.Exclusion == e))
                && compliance.OverdueReviews.Count == 1 && placements.Ended.Value == 1
                && (await Reports.GetServicePerformanceReportAsync(new ReportRequest { SchoolYearStart = ThisYear }, Manager)).FirstContacts.Value == 1;
        }, "Reporting has applied the whole scenario", seconds: 120);
        await WaitUntilQuietAsync();
    }

    /// <summary>Waits until no producer's latest event has changed for three seconds and none is behind.</summary>
    public async Task WaitUntilQuietAsync()
    {
        var last = "";
        var quietSince = DateTime.UtcNow;
        await Eventually.HoldsAsync(async () =>
        {
            var freshness = (await Reports.GetPreventionSummaryAsync(new ReportRequest { SchoolYearStart = SeedYear }, Manager)).Freshness;
            var now = string.Join(",", freshness.Producers.Select(p => $"{p.Producer}:{p.LatestSequence}:{p.AppliedThrough}"));
            if (now != last || freshness.Behind || freshness.Rebuilding)
            {
                (last, quietSince) = (now, DateTime.UtcNow);
                return false;
            }
            return DateTime.UtcNow - quietSince > TimeSpan.FromSeconds(3);
        }, "every producer's events are applied and no more arrive", seconds: 120);
    }
}

internal static class Dates
{
    public static Date AsDate(DateTime day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    public static DateTime Day(int year, int month, int day) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);
}
