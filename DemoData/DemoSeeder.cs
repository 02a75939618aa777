using System.Security.Cryptography;
using System.Text;
using Bogus;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Inclusion.Meetings.V1;
using Inclusion.Placements.V1;
using Inclusion.Referrals.V1;
using Inclusion.Reporting.V1;
using Date = Google.Type.Date;
using ExclusionKind = Inclusion.Referrals.V1.ExclusionKind;

namespace InclusionServices.DemoData;

/// <summary>The four services the seeder calls, each by its gRPC address.</summary>
public sealed record DemoServices(GrpcChannel Referrals, GrpcChannel Meetings, GrpcChannel Placements, GrpcChannel Reporting);

/// <summary>Makes a bearer token for a role (and a school's URN for the school role).</summary>
public delegate string DemoToken(string role, string? schoolUrn);

/// <summary>What the demonstration holds after a run (the same after every run: nothing is made twice).</summary>
public sealed record DemoSummary(int LastYear, int ThisYear, int Schools, int Pupils, int Meetings, int Exclusions, int Referrals,
    int Placements, int PanelCases)
{
    public override string ToString() =>
        $"Demonstration data for {LastYear}/{(LastYear + 1) % 100:00} and {ThisYear}/{(ThisYear + 1) % 100:00} so far: {Schools} schools, " +
        $"{Pupils} pupils, {Meetings} meetings, {Exclusions} exclusions, {Referrals} referrals, {Placements} placements, {PanelCases} panel cases.";
}

/// <summary>
/// A realistic, entirely synthetic year of the team's work, made only through the public gRPC APIs as the team and
/// schools would record it: last school year in full (prevention meetings, suspensions, permanent exclusions with their
/// board decisions and sixth-day provision, ISAP panel cases, part-time timetables, rolls) and this year so far
/// (referrals in every state, suspensions, meetings held and booked). Names are Bogus's with "Demo-" before every
/// family name, UPNs are valid but under a made-up school, telephones are in Ofcom's drama range and e-mail goes to
/// example.org. Running it again changes nothing: every create carries a request id derived from what it makes, and
/// every later step first reads where the record stands.
/// </summary>
public sealed class DemoSeeder(DemoServices services, DemoToken token, TimeProvider? clock = null)
{
    private static readonly (string Urn, string Name, Phase Phase, int Pupils, int Roll)[] SchoolList =
    [
        ("990001", "Demo Oakfield Primary School", Phase.Primary, 8, 420),
        ("990002", "Demo Brookside Primary School", Phase.Primary, 8, 315),
        ("990003", "Demo Canal Side Primary Academy", Phase.Primary, 6, 210),
        ("990004", "Demo Heath Park Academy", Phase.Secondary, 16, 1180),
        ("990005", "Demo Moorland High School", Phase.Secondary, 14, 960),
        ("990006", "Demo Willow Special School", Phase.Special, 6, 120),
    ];

    // Persistent disruption is the commonest reason nationally; the rest follow at a distance.
    private static readonly string[] Reasons = ["DB", "DB", "DB", "DB", "VA", "VA", "PA", "PP", "DM", "DA", "BU", "VP", "TH", "OW", "PA"];

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Faker _fake = new("en_GB") { Random = new Randomizer(20261127) };
    private readonly List<(string Name, string Urn, Phase Phase, int YearGroup)> _pupils = [];
    private int _meetings, _exclusions, _referrals, _placements, _panelCases;

    private Metadata As(string role, string? urn = null) => new() { { "Authorization", "Bearer " + token(role, urn) } };
    private Metadata Officer => As("officer");
    private Metadata Manager => As("manager");

    public async Task<DemoSummary> SeedAsync(CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var thisYear = today.Month >= 8 ? today.Year : today.Year - 1;
        var lastYear = thisYear - 1;
        var lastYearDays = await SchoolDaysAsync(lastYear, cancellationToken);
        var thisYearDays = (await SchoolDaysAsync(thisYear, cancellationToken)).Where(d => d < today).ToList();

        foreach (var school in SchoolList)
        {
            await new Schools.SchoolsClient(services.Referrals).CreateSchoolAsync(new CreateSchoolRequest
            {
                School = new School { Urn = school.Urn, DisplayName = school.Name, Phase = school.Phase, Postcode = "WV99 1ZZ" },
                RequestId = RequestId("school", school.Urn),
            }, Manager, cancellationToken: cancellationToken);
            for (var i = 0; i < school.Pupils; i++)
            {
                await PupilAsync(school.Urn, school.Phase, thisYear, cancellationToken);
            }
        }

        await LastYearAsync(lastYear, lastYearDays, cancellationToken);
        await ThisYearAsync(today, thisYearDays, cancellationToken);
        await RollsAsync(lastYear, cancellationToken);
        return new DemoSummary(lastYear, thisYear, SchoolList.Length, _pupils.Count, _meetings, _exclusions, _referrals, _placements, _panelCases);
    }

    private async Task LastYearAsync(int year, List<DateOnly> days, CancellationToken cancellationToken)
    {
        var sittings = await PanelSittingsAsync(year, days, cancellationToken);
        var random = new Random(year);
        DateOnly Day(int index) => days[Math.Clamp(index, 0, days.Count - 1)];

        // Prevention meetings for three pupils in five, through the year; most keep the pupil in school.
        for (var p = 0; p < _pupils.Count; p++)
        {
            if (p % 5 is 1 or 3)
            {
                continue;
            }
            var outcome = (p % 10) switch
            {
                0 or 2 or 4 or 7 => MeetingOutcome.StaysInSchoolWithSupportPlan,
                5 => MeetingOutcome.ManagedMove,
                6 => MeetingOutcome.PreventativePlacement,
                8 => MeetingOutcome.ReferredToIsapPanel,
                _ => MeetingOutcome.Other,
            };
            var held = await MeetingAsync(_pupils[p].Name, $"epm-{year}", Day(10 + p * 3), outcome, cancellationToken);
            if (outcome == MeetingOutcome.ReferredToIsapPanel)
            {
                await PanelCaseAsync(held, Day(11 + p * 3), sittings, cancellationToken);
            }
        }

        // Suspensions, mostly at the secondary schools; a few pupils more than once.
        for (var p = 0; p < _pupils.Count; p++)
        {
            var (name, _, phase, _) = _pupils[p];
            var times = phase == Phase.Primary ? (p % 4 == 0 ? 1 : 0) : p % 3;
            for (var n = 0; n < times; n++)
            {
                var kind = p % 11 == 0 && n == 0 ? ExclusionKind.LunchtimeSuspension : ExclusionKind.Suspension;
                var sessions = kind == ExclusionKind.LunchtimeSuspension ? 1 : 1 + random.Next(1, 6) * (random.Next(4) == 0 ? 2 : 1);
                await ExclusionAsync(name, $"{year}-{n}", kind, Day(20 + p * 2 + n * 45), sessions, Reasons[random.Next(Reasons.Length)], cancellationToken);
            }
        }

        // Four permanent exclusions: two upheld by the board with sixth-day provision in place, one reinstated, and one
        // whose board meeting the school never recorded (it shows on the compliance report).
        var secondary = _pupils.Where(p => p.Phase == Phase.Secondary).ToList();
        var excluded = new[] { secondary[0], secondary[4], secondary[9], _pupils.First(p => p.Phase == Phase.Primary) };
        for (var i = 0; i < excluded.Length; i++)
        {
            var startIndex = 60 + i * 30;
            var exclusion = await ExclusionAsync(excluded[i].Name, $"{year}-pe", ExclusionKind.PermanentExclusion, Day(startIndex), 2,
                i == 3 ? "PA" : "DB", cancellationToken);
            if (i < 3)
            {
                await BoardDecisionAsync(exclusion, i == 2 ? BoardDecision.Reinstate : BoardDecision.Uphold, Day(startIndex + 10), cancellationToken);
            }
            if (i < 2)
            {
                await PlacementAsync(excluded[i].Name, $"{year}-sixth-day", PlacementKind.SixthDayProvision, Day(startIndex + 5), Day(startIndex + 40),
                    PlacementOutcome.NewSchool, cancellationToken);
            }
        }
        await PlacementAsync(secondary[6].Name, $"{year}-preventative", PlacementKind.Preventative, Day(40), Day(80),
            PlacementOutcome.ReintegratedToMainstream, cancellationToken);

        // Part-time timetables: one reviewed and ended in time, one whose first review never happened.
        await PartTimeTimetableAsync(secondary[2].Name, $"{year}-reviewed", Day(15), Day(45), reviewedOn: Day(24), cancellationToken);
        await PartTimeTimetableAsync(secondary[7].Name, $"{year}-overdue", Day(150), Day(180), reviewedOn: null, cancellationToken);
    }

    private async Task ThisYearAsync(DateOnly today, List<DateOnly> daysSoFar, CancellationToken cancellationToken)
    {
        if (daysSoFar.Count == 0)
        {
            return;
        }
        DateOnly Day(int index) => daysSoFar[Math.Clamp(index, 0, daysSoFar.Count - 1)];
        var year = today.Month >= 8 ? today.Year : today.Year - 1;

        // Referrals in every state the team sees them in.
        ReferralStatus[] states =
        [
            ReferralStatus.Draft, ReferralStatus.Submitted, ReferralStatus.Submitted, ReferralStatus.Accepted, ReferralStatus.Allocated,
            ReferralStatus.InContact, ReferralStatus.InContact, ReferralStatus.Declined, ReferralStatus.Closed,
        ];
        for (var i = 0; i < states.Length; i++)
        {
            await ReferralAsync(_pupils[(i * 7 + 3) % _pupils.Count], states[i], today, cancellationToken);
        }

        for (var i = 0; i < 6; i++)
        {
            var pupil = _pupils[(i * 5 + 2) % _pupils.Count];
            await ExclusionAsync(pupil.Name, $"{year}-{i}", ExclusionKind.Suspension, Day(daysSoFar.Count - 30 + i * 4), 2 + i % 3,
                Reasons[i % Reasons.Length], cancellationToken);
        }
        for (var i = 0; i < 3; i++)
        {
            await MeetingAsync(_pupils[(i * 9 + 1) % _pupils.Count].Name, $"epm-{year}", Day(daysSoFar.Count - 12 + i * 3),
                MeetingOutcome.StaysInSchoolWithSupportPlan, cancellationToken);
        }
        // One booked for next week and not yet held.
        await MeetingAsync(_pupils[4].Name, $"epm-{year}-booked", today.AddDays(7 + (DayOfWeek.Monday - today.AddDays(7).DayOfWeek + 7) % 7 + 1), null,
            cancellationToken);
    }

    private async Task PupilAsync(string urn, Phase phase, int thisYear, CancellationToken cancellationToken)
    {
        var serial = _pupils.Count + 1;
        var upn = Upn(serial);
        var yearGroup = phase switch
        {
            Phase.Primary => _fake.Random.Int(3, 6),
            Phase.Secondary => _fake.Random.Int(7, 11),
            _ => _fake.Random.Int(5, 11),
        };
        // Born in the school year that puts them in this year group (1 September to 31 August).
        var born = new DateOnly(thisYear - yearGroup - 5, 9, 1).AddDays(_fake.Random.Int(0, 364));
        var family = "Demo-" + _fake.Name.LastName();
        var sen = _fake.Random.WeightedRandom([SenStatus.NoSen, SenStatus.SenSupport, SenStatus.EhcPlan], [0.7f, 0.22f, 0.08f]);
        if (phase == Phase.Special)
        {
            sen = SenStatus.EhcPlan;
        }
        var pupil = await new Pupils.PupilsClient(services.Referrals).CreatePupilAsync(new CreatePupilRequest
        {
            RequestId = RequestId("pupil", upn),
            Pupil = new Pupil
            {
                Upn = upn, GivenName = _fake.Name.FirstName(), FamilyName = family, DateOfBirth = AsDate(born),
                Sex = _fake.Random.WeightedRandom([Sex.Male, Sex.Female], [0.6f, 0.4f]), YearGroup = yearGroup, SchoolUrn = urn,
                SenStatus = sen, FreeSchoolMeals = _fake.Random.Bool(0.35f),
                EthnicityCode = _fake.Random.WeightedRandom(["WBRI", "MWBC", "AIND", "APKN", "BCRB", "BAFR", "WOTH"],
                    [0.55f, 0.1f, 0.1f, 0.06f, 0.07f, 0.05f, 0.07f]),
                Address = $"{_fake.Random.Int(1, 120)} Demo Street, Wolverhampton", Postcode = "WV99 1ZZ",
                Carers =
                {
                    new Carer
                    {
                        FullName = $"{_fake.Name.FirstName()} {family}", Relationship = "parent",
                        Telephones = { $"07700 900{_fake.Random.Int(0, 999):000}" }, Email = $"carer{serial}@example.org",
                    },
                },
            },
        }, Officer, cancellationToken: cancellationToken);
        _pupils.Add((pupil.Name, urn, phase, yearGroup));
    }

    private async Task<Meeting> MeetingAsync(string pupil, string key, DateOnly day, MeetingOutcome? outcome, CancellationToken cancellationToken)
    {
        var client = new Inclusion.Meetings.V1.Meetings.MeetingsClient(services.Meetings);
        var scheduled = await client.ScheduleMeetingAsync(new ScheduleMeetingRequest
        {
            RequestId = RequestId("meeting", pupil, key),
            Meeting = new Meeting
            {
                Kind = MeetingKind.ExclusionPreventionMeeting, Pupil = pupil, DurationMinutes = 60, Location = "At school",
                StartTime = Timestamp.FromDateTime(day.ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc)), LeadOfficer = "demo-officer",
                Attendees =
                {
                    new Attendee { FullName = "Demo Parent", Kind = AttendeeKind.ParentOrCarer },
                    new Attendee { FullName = "Demo Head of Year", Kind = AttendeeKind.SchoolStaff, Role = "head of year" },
                },
            },
        }, Officer, cancellationToken: cancellationToken);
        _meetings++;
        var now = await client.GetMeetingAsync(new GetMeetingRequest { Name = scheduled.Name }, Officer, cancellationToken: cancellationToken);
        if (outcome is not { } decided || now.Status != MeetingStatus.Scheduled)
        {
            return now;
        }
        return await client.RecordMeetingHeldAsync(new RecordMeetingHeldRequest
        {
            Name = now.Name, Etag = now.Etag, Outcome = decided,
            Attendees = { now.Attendees.Select(a => new Attendee(a) { Attended = true }) },
        }, Officer, cancellationToken: cancellationToken);
    }

    private async Task<List<PanelSitting>> PanelSittingsAsync(int year, List<DateOnly> days, CancellationToken cancellationToken)
    {
        // The panel sits about once a month for each phase; a case must be in a week before.
        var client = new PanelSittings.PanelSittingsClient(services.Meetings);
        var sittings = new List<PanelSitting>();
        for (var index = 20; index < days.Count; index += 18)
        {
            foreach (var phase in new[] { PanelPhase.Primary, PanelPhase.Secondary })
            {
                sittings.Add(await client.CreatePanelSittingAsync(new CreatePanelSittingRequest
                {
                    RequestId = RequestId("panel-sitting", phase.ToString(), days[index].ToString("O")),
                    PanelSitting = new PanelSitting { Phase = phase, MeetingDate = AsDate(days[index]), CutOffDate = AsDate(days[index - 5]) },
                }, Manager, cancellationToken: cancellationToken));
            }
        }
        return sittings;
    }

    private async Task PanelCaseAsync(Meeting held, DateOnly submittedOn, List<PanelSitting> sittings, CancellationToken cancellationToken)
    {
        var client = new PanelCases.PanelCasesClient(services.Meetings);
        var listed = await client.SubmitPanelCaseAsync(new SubmitPanelCaseRequest
        {
            Source = held.Name, SubmittedOn = AsDate(submittedOn), RequestId = RequestId("panel-case", held.Name),
        }, Officer, cancellationToken: cancellationToken);
        _panelCases++;
        var cases = await client.ListPanelCasesAsync(new ListPanelCasesRequest { PanelSitting = listed.PanelSitting, PageSize = 100 }, Officer,
            cancellationToken: cancellationToken);
        if (cases.PanelCases.Single(c => c.Name == listed.Name).Decision == PanelDecision.Unspecified)
        {
            await client.RecordPanelDecisionAsync(new RecordPanelDecisionRequest
            {
                Name = listed.Name, Decision = _panelCases % 2 == 0 ? PanelDecision.PreventativePlacement : PanelDecision.MoreSupportInSchool,
            }, Officer, cancellationToken: cancellationToken);
        }
    }

    private async Task<Inclusion.Referrals.V1.Exclusion> ExclusionAsync(string pupil, string key, ExclusionKind kind, DateOnly start, int sessions,
        string reason, CancellationToken cancellationToken)
    {
        _exclusions++;
        return await new Exclusions.ExclusionsClient(services.Referrals).RecordExclusionAsync(new RecordExclusionRequest
        {
            RequestId = RequestId("exclusion", pupil, key),
            Exclusion = new Inclusion.Referrals.V1.Exclusion
            {
                Pupil = pupil, Kind = kind, StartDate = AsDate(start), Sessions = sessions, ReasonCodes = { reason },
            },
        }, Officer, cancellationToken: cancellationToken);
    }

    private async Task BoardDecisionAsync(Inclusion.Referrals.V1.Exclusion exclusion, BoardDecision decision, DateOnly notifiedOn,
        CancellationToken cancellationToken)
    {
        var client = new Exclusions.ExclusionsClient(services.Referrals);
        var now = await client.GetExclusionAsync(new GetExclusionRequest { Name = exclusion.Name }, Officer, cancellationToken: cancellationToken);
        if (now.BoardDecision == BoardDecision.Unspecified)
        {
            await client.RecordBoardDecisionAsync(new RecordBoardDecisionRequest { Name = exclusion.Name, Decision = decision, NotifiedOn = AsDate(notifiedOn) },
                Officer, cancellationToken: cancellationToken);
        }
    }

    private async Task PlacementAsync(string pupil, string key, PlacementKind kind, DateOnly start, DateOnly end, PlacementOutcome outcome,
        CancellationToken cancellationToken)
    {
        var provider = await new Providers.ProvidersClient(services.Placements).CreateProviderAsync(new CreateProviderRequest
        {
            RequestId = RequestId("provider", "orchard"),
            Provider = new Provider
            {
                DisplayName = "Demo Orchard Centre (pupil referral unit)", Registration = ProviderRegistration.RegisteredSchool, Capacity = 24,
                Urn = "990099", Phases = { ProviderPhase.Primary, ProviderPhase.Secondary }, YoungestAge = 5, OldestAge = 16,
            },
        }, Manager, cancellationToken: cancellationToken);
        var client = new Inclusion.Placements.V1.Placements.PlacementsClient(services.Placements);
        var proposed = await client.ProposePlacementAsync(new ProposePlacementRequest
        {
            RequestId = RequestId("placement", pupil, key),
            Placement = new Placement { Kind = kind, Pupil = pupil, FullTime = true },
        }, Officer, cancellationToken: cancellationToken);
        _placements++;
        var now = await client.GetPlacementAsync(new GetPlacementRequest { Name = proposed.Name }, Officer, cancellationToken: cancellationToken);
        if (now.Status == PlacementStatus.Proposed)
        {
            now = await client.AgreePlacementAsync(new AgreePlacementRequest
            {
                Name = now.Name, Provider = provider.Name, StartDate = AsDate(start), EndDate = AsDate(end), FullTime = true, Etag = now.Etag,
            }, Officer, cancellationToken: cancellationToken);
        }
        if (now.Status == PlacementStatus.Agreed)
        {
            now = await client.StartPlacementAsync(new StartPlacementRequest { Name = now.Name, StartedOn = AsDate(start) }, Officer,
                cancellationToken: cancellationToken);
        }
        if (now.Status == PlacementStatus.Started)
        {
            await client.EndPlacementAsync(new EndPlacementRequest { Name = now.Name, EndedOn = AsDate(end), Outcome = outcome }, Officer,
                cancellationToken: cancellationToken);
        }
    }

    private async Task PartTimeTimetableAsync(string pupil, string key, DateOnly start, DateOnly plannedEnd, DateOnly? reviewedOn,
        CancellationToken cancellationToken)
    {
        var client = new PartTimeTimetables.PartTimeTimetablesClient(services.Placements);
        var timetable = await client.RecordPartTimeTimetableAsync(new RecordPartTimeTimetableRequest
        {
            RequestId = RequestId("part-time", pupil, key),
            PartTimeTimetable = new PartTimeTimetable
            {
                Pupil = pupil, HoursPerWeek = 15, Reason = "Phased return after a long absence", StartDate = AsDate(start), PlannedEnd = AsDate(plannedEnd),
                ParentsAgreed = true, ParentsAgreedOn = AsDate(start.AddDays(-3)),
            },
        }, Officer, cancellationToken: cancellationToken);
        var now = await client.GetPartTimeTimetableAsync(new GetPartTimeTimetableRequest { Name = timetable.Name }, Officer, cancellationToken: cancellationToken);
        if (reviewedOn is { } day && now.Reviews.Count == 0)
        {
            await client.ReviewPartTimeTimetableAsync(new ReviewPartTimeTimetableRequest
            {
                Name = now.Name, ReviewedOn = AsDate(day), Decision = TimetableReviewDecision.ReturnToFullTime, Notes = "Attending well; back to full time.",
            }, Officer, cancellationToken: cancellationToken);
        }
    }

    private async Task ReferralAsync((string Name, string Urn, Phase Phase, int YearGroup) pupil, ReferralStatus target, DateOnly today,
        CancellationToken cancellationToken)
    {
        var client = new Inclusion.Referrals.V1.Referrals.ReferralsClient(services.Referrals);
        var school = As("school", pupil.Urn);
        var created = await client.CreateReferralAsync(new CreateReferralRequest
        {
            Pupil = pupil.Name, Form = Form(today), RequestId = RequestId("referral", pupil.Name),
        }, school, cancellationToken: cancellationToken);
        _referrals++;
        var now = await client.GetReferralAsync(new GetReferralRequest { Name = created.Name }, Officer, cancellationToken: cancellationToken);
        // Each step runs only from the state before it, so a second run finds every referral where the first left it.
        if (target != ReferralStatus.Draft && now.Status == ReferralStatus.Draft)
        {
            now = await client.SubmitReferralAsync(new SubmitReferralRequest { Name = now.Name }, school, cancellationToken: cancellationToken);
        }
        if (target == ReferralStatus.Declined && now.Status == ReferralStatus.Submitted)
        {
            now = await client.DeclineReferralAsync(new DeclineReferralRequest { Name = now.Name, Reason = "Better met by the SEND team" }, Officer,
                cancellationToken: cancellationToken);
        }
        if (target is ReferralStatus.Accepted or ReferralStatus.Allocated or ReferralStatus.InContact or ReferralStatus.Closed
            && now.Status == ReferralStatus.Submitted)
        {
            now = await client.AcceptReferralAsync(new AcceptReferralRequest { Name = now.Name }, Officer, cancellationToken: cancellationToken);
        }
        if (target is ReferralStatus.Allocated or ReferralStatus.InContact or ReferralStatus.Closed && now.Status == ReferralStatus.Accepted)
        {
            now = await client.AllocateReferralAsync(new AllocateReferralRequest { Name = now.Name, Officer = "demo-officer" }, Manager,
                cancellationToken: cancellationToken);
        }
        if (target is ReferralStatus.InContact or ReferralStatus.Closed && now.Status == ReferralStatus.Allocated)
        {
            now = await client.RecordFirstContactAsync(new RecordFirstContactRequest { Name = now.Name }, Officer, cancellationToken: cancellationToken);
        }
        if (target == ReferralStatus.Closed && now.Status == ReferralStatus.InContact)
        {
            await client.CloseReferralAsync(new CloseReferralRequest { Name = now.Name, Outcome = "Support plan in place; school managing well." }, Officer,
                cancellationToken: cancellationToken);
        }
    }

    private async Task RollsAsync(int year, CancellationToken cancellationToken)
    {
        var rolls = new SchoolRolls.SchoolRollsClient(services.Reporting);
        foreach (var school in SchoolList)
        {
            await rolls.RecordSchoolRollAsync(new RecordSchoolRollRequest
            {
                Roll = new SchoolRoll { SchoolUrn = school.Urn, SchoolYearStart = year, Pupils = school.Roll },
            }, Manager, cancellationToken: cancellationToken);
        }
    }

    private async Task<List<DateOnly>> SchoolDaysAsync(int year, CancellationToken cancellationToken)
    {
        var calendar = await new SchoolCalendars.SchoolCalendarsClient(services.Referrals).GetSchoolYearCalendarAsync(
            new GetSchoolYearCalendarRequest { SchoolYearStart = year }, Officer, cancellationToken: cancellationToken);
        var closed = calendar.BankHolidays.Select(h => FromDate(h.Date)).Concat(calendar.InsetDays.Select(FromDate)).ToHashSet();
        var days = new List<DateOnly>();
        foreach (var term in calendar.Terms)
        {
            for (var day = FromDate(term.Start); day <= FromDate(term.End); day = day.AddDays(1))
            {
                var inHalfTerm = term.HalfTermStart is not null && day >= FromDate(term.HalfTermStart) && day <= FromDate(term.HalfTermEnd);
                if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !inHalfTerm && !closed.Contains(day))
                {
                    days.Add(day);
                }
            }
        }
        return days;
    }

    private static ReferralForm Form(DateOnly today) => new()
    {
        DateMade = AsDate(today),
        Referrer = new Referrer { FullName = "Demo Form Tutor", Email = "tutor@school.example.org", Telephone = "01632 960000", RelationshipToChild = "form tutor" },
        AttainmentAndProgress = "Working towards the expected standard in reading and writing.",
        LevelsOfSupport = "Mentoring twice a week and a reduced timetable in the afternoons.",
        PreviousExclusions = "Two suspensions last year.",
        ExclusionPreventionMeetingHeld = false,
        MainReason = "Persistent disruption in lessons after lunch.",
        SupportWanted = "Advice for staff and an exclusion prevention meeting.",
        ParentalPermissionObtained = true,
        ReferrerSignOff = new SignOff { FullName = "Demo Form Tutor", SignedOn = AsDate(today) },
        HeadTeacherSignOff = new SignOff { FullName = "Demo Head Teacher", SignedOn = AsDate(today) },
        SendcoSignOff = new SignOff { FullName = "Demo SENDCo", SignedOn = AsDate(today) },
    };

    /// <summary>A valid UPN (check letter as the DfE specifies) under LA 336 and a made-up school number, 9999.</summary>
    internal static string Upn(int serial)
    {
        var digits = $"336999925{serial:000}";
        var sum = Enumerable.Range(2, 12).Sum(position => position * (digits[position - 2] - '0'));
        return "ABCDEFGHJKLMNPQRTUVWXYZ"[sum % 23] + digits;
    }

    private static string RequestId(params string[] parts) =>
        new Guid(MD5.HashData(Encoding.UTF8.GetBytes("demo:" + string.Join('|', parts)))).ToString();

    private static Date AsDate(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    private static DateOnly FromDate(Date date) => new(date.Year, date.Month, date.Day);
}
