using System.Text;
using Google.Type;
using Grpc.Core;
using Inclusion.Placements.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using InclusionServices.Tests.Referrals;
using Microsoft.EntityFrameworkCore;
using Microsoft.VisualBasic.FileIO;
using static InclusionServices.Tests.Referrals.ReferralsData;
using EventsV1 = Inclusion.Events.V1;
using ReferralsApi = Inclusion.Referrals.V1;

namespace InclusionServices.Tests.Placements;

/// <summary>Placements, driven over gRPC with Referrals beside it on one broker and a clock the tests jump forward.</summary>
public sealed class PlacementsServiceTests(PlacementsWithReferrals suite) : IClassFixture<PlacementsWithReferrals>, IAsyncLifetime
{
    private const string SchoolA = "630001";
    private const string SchoolB = "630002";
    private readonly Providers.ProvidersClient _providers = new(suite.Placements.Channel);
    private readonly Inclusion.Placements.V1.Placements.PlacementsClient _placements = new(suite.Placements.Channel);
    private static int _serial;

    public async Task InitializeAsync()
    {
        await RegisterSchoolAsync(suite.Referrals.Channel, SchoolA);
        await RegisterSchoolAsync(suite.Referrals.Channel, SchoolB);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<ReferralsApi.Pupil> NewPupilAsync(string school = SchoolA, ReferralsApi.SenStatus sen = ReferralsApi.SenStatus.NoSen) =>
        ReferralsData.NewPupilAsync(suite.Referrals.Channel, school, 400 + Interlocked.Increment(ref _serial), sen: sen);

    private Task<Provider> AddProviderAsync(int capacity, ProviderRegistration registration = ProviderRegistration.RegisteredSchool) =>
        _providers.CreateProviderAsync(new CreateProviderRequest
        {
            Provider = new Provider
            {
                DisplayName = $"Provider {Guid.NewGuid():N}", Registration = registration, Capacity = capacity,
                Urn = registration == ProviderRegistration.RegisteredSchool ? "140999" : "", Phases = { ProviderPhase.Secondary },
                YoungestAge = 11, OldestAge = 16,
            },
        }, Manager).ResponseAsync;

    private async Task<Placement> ProposeAsync(ReferralsApi.Pupil pupil, PlacementKind kind = PlacementKind.Preventative) =>
        await _placements.ProposePlacementAsync(new ProposePlacementRequest
        {
            Placement = new Placement { Kind = kind, Pupil = pupil.Name, FullTime = true },
        }, Officer);

    private Task<Placement> AgreeAsync(Placement placement, Provider provider, Date start, Date? end, bool fullTime = true) =>
        _placements.AgreePlacementAsync(new AgreePlacementRequest
        {
            Name = placement.Name, Provider = provider.Name, StartDate = start, EndDate = end, FullTime = fullTime, HoursPerWeek = fullTime ? 0 : 10,
            Etag = placement.Etag,
        }, Officer).ResponseAsync;

    private static async Task<List<T>> Collect<T>(PlainRabbitMq plain, string queue, List<T> into) where T : Google.Protobuf.IMessage<T>, new()
    {
        into.AddRange((await plain.DrainAsync(queue)).Select(m => new Google.Protobuf.MessageParser<T>(() => new T()).ParseJson(Encoding.UTF8.GetString(m.Body.Span))));
        return into;
    }

    private async Task<ReferralsApi.Exclusion> ExcludePermanentlyAsync(ReferralsApi.Pupil pupil, Date start) =>
        await new ReferralsApi.Exclusions.ExclusionsClient(suite.Referrals.Channel).RecordExclusionAsync(new ReferralsApi.RecordExclusionRequest
        {
            Exclusion = new ReferralsApi.Exclusion { Pupil = pupil.Name, Kind = ReferralsApi.ExclusionKind.PermanentExclusion, StartDate = start, Sessions = 2, ReasonCodes = { "PA" } },
        }, Officer);

    private async Task<SixthDayRequirement> RequirementAsync(string exclusion)
    {
        SixthDayRequirement? found = null;
        var sixthDay = new SixthDayProvision.SixthDayProvisionClient(suite.Placements.Channel);
        await Eventually.HoldsAsync(async () =>
        {
            found = (await sixthDay.ListSixthDayRequirementsAsync(new ListSixthDayRequirementsRequest { IncludeMet = true, PageSize = 100 }, Officer))
                .Requirements.SingleOrDefault(r => r.Exclusion == exclusion);
            return found is not null;
        }, "Placements learned of the sixth-day duty");
        return found!;
    }

    [Fact]
    public async Task A_permanent_exclusion_owes_sixth_day_provision_across_the_half_term_and_a_placement_from_that_day_meets_it()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Placements.BrokerConnectionString!);
        var arranged = await plain.BindQueueAsync("inclusion.events.v1.SixthDayProvisionArranged");
        var pupil = await NewPupilAsync();

        // Thu 23 Oct 2025, half term 27-31 Oct: 23, 24 (2), 3, 4, 5 Nov (5), Thu 6 Nov (6).
        var exclusion = await ExcludePermanentlyAsync(pupil, On(2025, 10, 23));
        var requirement = await RequirementAsync(exclusion.Name);
        Assert.Equal((On(2025, 11, 6), SixthDayHolder.LocalAuthority, SchoolA, ""), (requirement.Due, requirement.Holder, requirement.SchoolUrn, requirement.MetBy));

        var placement = await AgreeAsync(await ProposeAsync(pupil, PlacementKind.SixthDayProvision), await AddProviderAsync(10), On(2025, 11, 6), On(2025, 12, 19));

        Assert.Equal(placement.Name, (await RequirementAsync(exclusion.Name)).MetBy);
        var events = new List<EventsV1.SixthDayProvisionArranged>();
        await Eventually.HoldsAsync(async () => (await Collect(plain, arranged, events)).Any(e => e.Exclusion == exclusion.Name), "the arrangement was published");
        Assert.Equal(("2025-11-06", "LocalAuthority"), (events.Single(e => e.Exclusion == exclusion.Name).Due, events.Single(e => e.Exclusion == exclusion.Name).Holder));
    }

    [Fact]
    public async Task A_sixth_day_that_passes_without_a_placement_is_reported_missed_once()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Placements.BrokerConnectionString!);
        var missedQueue = await plain.BindQueueAsync("inclusion.events.v1.SixthDayProvisionMissed");
        var pupil = await NewPupilAsync();
        // A permanent exclusion from the next Monday: its sixth day is still ahead on the service's clock.
        var today = DateOnly.FromDateTime(suite.Clock.GetUtcNow().UtcDateTime);
        var monday = today.AddDays(((int)System.DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7 + 7);
        var exclusion = await ExcludePermanentlyAsync(pupil, On(monday.Year, monday.Month, monday.Day));
        var requirement = await RequirementAsync(exclusion.Name);
        Assert.False(requirement.Missed);

        suite.Clock.Jump(TimeSpan.FromDays(30));

        var missed = new List<EventsV1.SixthDayProvisionMissed>();
        await Eventually.HoldsAsync(async () => (await Collect(plain, missedQueue, missed)).Any(m => m.Exclusion == exclusion.Name), "the miss was published");
        await Task.Delay(1000); // several more watcher rounds
        await Collect(plain, missedQueue, missed);
        Assert.Single(missed, m => m.Exclusion == exclusion.Name);
        Assert.True((await RequirementAsync(exclusion.Name)).Missed);
    }

    [Fact]
    public async Task Two_agreements_for_the_last_place_one_wins_and_the_provider_shows_its_occupancy()
    {
        var provider = await AddProviderAsync(2);
        await AgreeAsync(await ProposeAsync(await NewPupilAsync()), provider, On(2026, 1, 5), On(2026, 3, 27));
        var first = await ProposeAsync(await NewPupilAsync());
        var second = await ProposeAsync(await NewPupilAsync());

        var outcomes = await Task.WhenAll(new[] { first, second }.Select(async placement =>
        {
            try
            {
                await AgreeAsync(placement, provider, On(2026, 1, 5), On(2026, 3, 27));
                return StatusCode.OK;
            }
            catch (RpcException refused)
            {
                return refused.StatusCode;
            }
        }));

        Assert.Equal([StatusCode.OK, StatusCode.FailedPrecondition], outcomes.Order());
        var read = await _providers.GetProviderAsync(new GetProviderRequest { Name = provider.Name }, Officer);
        Assert.Equal((2, 2), (read.Capacity, read.Occupied));
        var refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await AgreeAsync(await ProposeAsync(await NewPupilAsync()), provider, On(2026, 4, 13), On(2026, 5, 22)));
        Assert.Contains("no place left", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manager_updates_a_provider_with_its_etag_and_lists_providers_with_occupancy()
    {
        var provider = await AddProviderAsync(3);
        provider.Capacity = 6;
        provider.LastQualityAssuranceVisit = On(2026, 10, 1);
        var updated = await _providers.UpdateProviderAsync(new UpdateProviderRequest { Provider = provider }, Manager);
        Assert.Equal((6, On(2026, 10, 1)), (updated.Capacity, updated.LastQualityAssuranceVisit));
        await RpcAssert.FailsWith(StatusCode.Aborted, () => _providers.UpdateProviderAsync(new UpdateProviderRequest { Provider = provider }, Manager).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _providers.UpdateProviderAsync(new UpdateProviderRequest { Provider = updated }, Officer).ResponseAsync);
        await RpcAssert.InvalidFields(() => _providers.CreateProviderAsync(new CreateProviderRequest
        {
            Provider = new Provider { DisplayName = "No URN", Registration = ProviderRegistration.RegisteredSchool, Capacity = 0 },
        }, Manager).ResponseAsync, "provider.capacity", "provider.urn");

        await AgreeAsync(await ProposeAsync(await NewPupilAsync()), updated, On(2026, 1, 5), On(2026, 3, 27));
        var listed = new List<Provider>();
        var token = "";
        do
        {
            var page = await _providers.ListProvidersAsync(new ListProvidersRequest { PageSize = 2, PageToken = token }, Officer);
            listed.AddRange(page.Providers);
            token = page.NextPageToken;
        } while (token != "");
        Assert.Equal(1, listed.Single(p => p.Name == provider.Name).Occupied);
        Assert.Equal(listed.Select(p => p.DisplayName).Order(StringComparer.Ordinal), listed.Select(p => p.DisplayName));
    }

    [Fact]
    public async Task A_second_full_time_placement_over_the_same_days_is_refused_and_a_managed_move_is_never_a_trial()
    {
        var pupil = await NewPupilAsync();
        var provider = await AddProviderAsync(10);
        await AgreeAsync(await ProposeAsync(pupil), provider, On(2026, 1, 5), On(2026, 3, 27));

        var overlap = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, async () =>
            await AgreeAsync(await ProposeAsync(pupil, PlacementKind.LongTermAlternativeProvision), provider, On(2026, 3, 2), On(2026, 7, 20)));
        Assert.Contains("full-time placement", overlap.Status.Detail, StringComparison.Ordinal);
        // Part time beside it, or full time after it, is fine.
        await AgreeAsync(await ProposeAsync(pupil), provider, On(2026, 3, 2), On(2026, 3, 27), fullTime: false);
        await AgreeAsync(await ProposeAsync(pupil), provider, On(2026, 4, 13), On(2026, 7, 20));

        await RpcAssert.InvalidFields(async () => await AgreeAsync(await ProposeAsync(await NewPupilAsync(), PlacementKind.ManagedMove), provider,
            On(2026, 1, 5), On(2026, 2, 13)), "end_date");
        var move = await AgreeAsync(await ProposeAsync(await NewPupilAsync(), PlacementKind.ManagedMove), provider, On(2026, 1, 5), null);
        Assert.Equal(PlacementStatus.Agreed, move.Status);
    }

    [Fact]
    public async Task An_unregistered_provider_is_warned_of_a_fifth_full_time_pupil_and_of_a_pupil_with_an_ehc_plan()
    {
        var provider = await AddProviderAsync(8, ProviderRegistration.Unregistered);
        for (var i = 0; i < 3; i++)
        {
            var placed = await AgreeAsync(await ProposeAsync(await NewPupilAsync()), provider, On(2026, 1, 5), On(2026, 3, 27));
            Assert.Empty(placed.Warnings);
        }
        var withPlan = await AgreeAsync(await ProposeAsync(await NewPupilAsync(sen: ReferralsApi.SenStatus.EhcPlan)), provider, On(2026, 1, 5), On(2026, 3, 27));
        Assert.Contains(withPlan.Warnings, w => w.Contains("EHC plan", StringComparison.Ordinal));

        var fifth = await AgreeAsync(await ProposeAsync(await NewPupilAsync()), provider, On(2026, 1, 5), On(2026, 3, 27));
        Assert.Contains(fifth.Warnings, w => w.Contains("would teach 5 pupils full time", StringComparison.Ordinal));
        var partTime = await AgreeAsync(await ProposeAsync(await NewPupilAsync()), provider, On(2026, 1, 5), On(2026, 3, 27), fullTime: false);
        Assert.Empty(partTime.Warnings);
    }

    [Fact]
    public async Task A_placement_is_started_reviewed_and_ended_with_an_outcome_and_a_school_sees_only_its_own()
    {
        var pupil = await NewPupilAsync();
        var agreed = await AgreeAsync(await ProposeAsync(pupil), await AddProviderAsync(5), On(2025, 9, 8), On(2025, 12, 19));
        var started = await _placements.StartPlacementAsync(new StartPlacementRequest { Name = agreed.Name }, Officer);
        // Six school weeks from Mon 8 Sep 2025, thirty school days: 9-12 Sep (4), 15 Sep-17 Oct (29), Mon 20 Oct (30).
        Assert.Equal(On(2025, 10, 20), started.NextReviewDue);
        var reviewed = await _placements.ReviewPlacementAsync(new ReviewPlacementRequest { Name = agreed.Name, ReviewedOn = On(2025, 10, 20), Notes = "settling" }, Officer);
        Assert.Single(reviewed.Reviews);
        // The next six weeks count from the review, across the half term (27-31 Oct): 21-24 Oct (4), 3 Nov-28 Nov (24),
        // 1-5 Dec (29), Mon 8 Dec (30).
        Assert.Equal(On(2025, 12, 8), reviewed.NextReviewDue);
        var ended = await _placements.EndPlacementAsync(new EndPlacementRequest
        {
            Name = agreed.Name, EndedOn = On(2025, 12, 19), Outcome = PlacementOutcome.ReintegratedToMainstream,
        }, Officer);
        Assert.Equal((PlacementStatus.Ended, PlacementOutcome.ReintegratedToMainstream), (ended.Status, ended.Outcome));

        Assert.Equal(agreed.Name, (await _placements.GetPlacementAsync(new GetPlacementRequest { Name = agreed.Name }, Tokens.Header(InclusionRoles.School, SchoolA))).Name);
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _placements.GetPlacementAsync(new GetPlacementRequest { Name = agreed.Name },
            Tokens.Header(InclusionRoles.School, SchoolB)).ResponseAsync);
        Assert.DoesNotContain((await _placements.ListPlacementsAsync(new ListPlacementsRequest { Pupil = pupil.Name },
            Tokens.Header(InclusionRoles.School, SchoolB))).Placements, p => p.Name == agreed.Name);
    }

    [Fact]
    public async Task A_withdrawal_that_overtakes_its_recorded_exclusion_leaves_no_duty_owed()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Placements.BrokerConnectionString!);
        var pupil = await NewPupilAsync();
        var exclusion = "exclusions/" + Guid.NewGuid();
        EventsV1.ExclusionChanged Event(EventsV1.ExclusionStep step, long sequence) => new()
        {
            Metadata = new EventsV1.EventMetadata { EventId = Guid.NewGuid().ToString(), Producer = "referrals", Sequence = sequence, Subject = exclusion },
            Exclusion = exclusion, Step = step, Kind = EventsV1.ExclusionEventKind.PermanentExclusion, StartDate = "2026-01-12", Sessions = 2,
            SixthDayProvisionDue = "2026-01-19", SixthDayProvisionHolder = "LocalAuthority", SixthDayCountedFrom = "2026-01-12",
            Pupil = new EventsV1.PupilReportAttributes { Pupil = pupil.Name, SchoolUrn = SchoolA, Phase = EventsV1.SchoolPhase.Secondary, YearGroup = 9 },
        };
        // The withdrawal first, then the exclusion it withdrew, as a redelivery or a busy consumer may hand them over.
        var withdrawn = Event(EventsV1.ExclusionStep.Withdrawn, 2);
        var recorded = Event(EventsV1.ExclusionStep.PermanentExclusionRecorded, 1);
        await plain.PublishJsonAsync("inclusion.events.v1.ExclusionChanged", Google.Protobuf.JsonFormatter.Default.Format(withdrawn), withdrawn.Metadata.EventId);
        await Task.Delay(500);
        await plain.PublishJsonAsync("inclusion.events.v1.ExclusionChanged", Google.Protobuf.JsonFormatter.Default.Format(recorded), recorded.Metadata.EventId);
        // A later exclusion of the same pupil, recorded normally, shows both events have been handled by the time it appears.
        var control = await ExcludePermanentlyAsync(pupil, On(2026, 1, 13));
        await RequirementAsync(control.Name);

        var sixthDay = new SixthDayProvision.SixthDayProvisionClient(suite.Placements.Channel);
        var owed = await sixthDay.ListSixthDayRequirementsAsync(new ListSixthDayRequirementsRequest { IncludeMet = true, PageSize = 100 }, Officer);
        Assert.DoesNotContain(owed.Requirements, r => r.Exclusion == exclusion);
    }

    [Fact]
    public async Task An_exclusion_that_owes_no_sixth_day_provision_is_acknowledged_without_touching_the_database()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Placements.BrokerConnectionString!);
        using var consumed = ConsumedMessages.On(suite.Placements.Services);
        var pupil = await NewPupilAsync();
        var shortSuspension = ExclusionEvents.Changed(EventsV1.ExclusionStep.SuspensionRecorded, EventsV1.ExclusionEventKind.Suspension, pupil.Name, SchoolA);
        var withdrawal = ExclusionEvents.Changed(EventsV1.ExclusionStep.Withdrawn, EventsV1.ExclusionEventKind.Suspension, pupil.Name, SchoolA);
        await ExclusionEvents.PublishAsync(plain, shortSuspension, withdrawal);

        Task<bool> InInbox(EventsV1.ExclusionChanged changed) =>
            suite.Placements.WithDatabase(db => db.InboxEntries.AnyAsync(e => e.EventId == Guid.Parse(changed.Metadata.EventId)));
        await Eventually.HoldsAsync(() => InInbox(withdrawal), "the withdrawal was applied");
        // The short suspension was consumed without a fault (not lost, not waiting), and left nothing behind.
        await Eventually.HoldsAsync(() => Task.FromResult(consumed.Consumed(shortSuspension.Metadata)), "the short suspension was consumed");
        Assert.False(await InInbox(shortSuspension));
    }

    [Fact]
    public async Task A_panel_decision_arrives_as_a_proposed_placement_for_the_team_to_complete()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Placements.BrokerConnectionString!);
        var pupil = await NewPupilAsync();
        var decision = new EventsV1.PanelDecisionMade
        {
            Metadata = new EventsV1.EventMetadata { EventId = Guid.NewGuid().ToString(), Producer = "meetings", Sequence = 7, Subject = "panelCases/x" },
            PanelCase = "panelCases/" + Guid.NewGuid(), PanelSitting = "panelSittings/" + Guid.NewGuid(), Decision = "PREVENTATIVE_PLACEMENT",
            DecidedOn = "2026-01-15",
            Pupil = new EventsV1.PupilReportAttributes { Pupil = pupil.Name, SchoolUrn = SchoolA, Phase = EventsV1.SchoolPhase.Secondary, YearGroup = 9 },
        };
        await plain.PublishJsonAsync("inclusion.events.v1.PanelDecisionMade", Google.Protobuf.JsonFormatter.Default.Format(decision), decision.Metadata.EventId);

        Placement? proposed = null;
        await Eventually.HoldsAsync(async () =>
        {
            proposed = (await _placements.ListPlacementsAsync(new ListPlacementsRequest { Pupil = pupil.Name }, Officer)).Placements.SingleOrDefault();
            return proposed is not null;
        }, "the decision became a proposed placement");
        Assert.Equal((PlacementKind.Preventative, PlacementStatus.Proposed, decision.PanelCase, ""), (proposed!.Kind, proposed.Status, proposed.Source, proposed.Provider));
    }

    [Fact]
    public async Task A_part_time_timetable_is_recorded_reviewed_overdue_once_extended_and_ended_and_the_register_exports_as_csv()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(suite.Placements.BrokerConnectionString!);
        var overdueQueue = await plain.BindQueueAsync("inclusion.events.v1.PartTimeTimetableReviewOverdue");
        var timetables = new PartTimeTimetables.PartTimeTimetablesClient(suite.Placements.Channel);
        var pupil = await NewPupilAsync();
        var today = DateOnly.FromDateTime(suite.Clock.GetUtcNow().UtcDateTime);
        Date D(DateOnly date) => On(date.Year, date.Month, date.Day);
        var asSchool = Tokens.Header(InclusionRoles.School, SchoolA);

        await RpcAssert.InvalidFields(() => timetables.RecordPartTimeTimetableAsync(new RecordPartTimeTimetableRequest
        {
            PartTimeTimetable = new PartTimeTimetable { Pupil = pupil.Name, HoursPerWeek = double.NaN, Reason = "Phased return after illness", StartDate = D(today) },
        }, asSchool).ResponseAsync, "part_time_timetable.hours_per_week", "part_time_timetable.planned_end", "part_time_timetable.parents_agreed",
            "part_time_timetable.parents_agreed_on");
        var recorded = await timetables.RecordPartTimeTimetableAsync(new RecordPartTimeTimetableRequest
        {
            PartTimeTimetable = new PartTimeTimetable
            {
                Pupil = pupil.Name, HoursPerWeek = 15, Reason = "Phased return after illness", StartDate = D(today), PlannedEnd = D(today.AddDays(42)),
                ParentsAgreed = true, ParentsAgreedOn = D(today),
            },
        }, asSchool);
        Assert.Equal((D(today.AddDays(14)), 25.0, PartTimeTimetableStatus.Current), (recorded.NextReviewDue, recorded.FullTimeHoursPerWeek, recorded.Status));
        await RpcAssert.FailsWith(StatusCode.NotFound, () => timetables.RecordPartTimeTimetableAsync(new RecordPartTimeTimetableRequest
        {
            PartTimeTimetable = new PartTimeTimetable
            {
                Pupil = pupil.Name, HoursPerWeek = 15, Reason = "x", StartDate = D(today), PlannedEnd = D(today.AddDays(7)), ParentsAgreed = true, ParentsAgreedOn = D(today),
            },
        }, Tokens.Header(InclusionRoles.School, SchoolB)).ResponseAsync);

        suite.Clock.Jump(TimeSpan.FromDays(16));
        var overdue = new List<EventsV1.PartTimeTimetableReviewOverdue>();
        await Eventually.HoldsAsync(async () => (await Collect(plain, overdueQueue, overdue)).Any(o => o.PartTimeTimetable == recorded.Name), "the overdue review was published");
        await Task.Delay(1000);
        await Collect(plain, overdueQueue, overdue);
        Assert.Single(overdue, o => o.PartTimeTimetable == recorded.Name);
        var listed = await timetables.ListPartTimeTimetablesAsync(new ListPartTimeTimetablesRequest { View = PartTimeTimetableView.ReviewsOverdue }, Officer);
        Assert.Contains(listed.PartTimeTimetables, t => t.Name == recorded.Name && t.ReviewOverdue);

        var now = DateOnly.FromDateTime(suite.Clock.GetUtcNow().UtcDateTime);
        await RpcAssert.InvalidFields(() => timetables.ReviewPartTimeTimetableAsync(new ReviewPartTimeTimetableRequest
        {
            Name = recorded.Name, ReviewedOn = D(now), Decision = TimetableReviewDecision.IncreaseHours, NewHoursPerWeek = double.PositiveInfinity,
        }, Officer).ResponseAsync, "new_hours_per_week");
        var extended = await timetables.ReviewPartTimeTimetableAsync(new ReviewPartTimeTimetableRequest
        {
            Name = recorded.Name, ReviewedOn = D(now), Decision = TimetableReviewDecision.Extend, NewPlannedEnd = D(today.AddDays(56)),
        }, Officer);
        Assert.Equal((D(today.AddDays(56)), D(now.AddDays(14)), false), (extended.PlannedEnd, extended.NextReviewDue, extended.ReviewOverdue));
        var more = await timetables.ReviewPartTimeTimetableAsync(new ReviewPartTimeTimetableRequest
        {
            Name = recorded.Name, ReviewedOn = D(now), Decision = TimetableReviewDecision.IncreaseHours, NewHoursPerWeek = 20,
        }, Officer);
        Assert.Equal(20, more.HoursPerWeek);

        // The register, read by a plain CSV parser: a header, then a row per current timetable.
        var register = new MemoryStream();
        using (var call = timetables.ExportPartTimeRegister(new ExportPartTimeRegisterRequest(), Officer))
        {
            await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            {
                chunk.Data.WriteTo(register);
            }
        }
        register.Position = 0;
        using (var parser = new TextFieldParser(register, Encoding.UTF8) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true })
        {
            parser.SetDelimiters(",");
            var header = parser.ReadFields()!;
            var rows = new List<string[]>();
            while (!parser.EndOfData)
            {
                rows.Add(parser.ReadFields()!);
            }
            var row = rows.Single(r => r[Array.IndexOf(header, "timetable")] == recorded.Name);
            Assert.Equal((pupil.Name, SchoolA, "20", "25"), (row[Array.IndexOf(header, "pupil")], row[Array.IndexOf(header, "school_urn")],
                row[Array.IndexOf(header, "hours_per_week")], row[Array.IndexOf(header, "full_time_hours_per_week")]));
            Assert.DoesNotContain(rows.SelectMany(r => r), field => field.Contains("Privateperson", StringComparison.Ordinal));
        }
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
        {
            using var call = timetables.ExportPartTimeRegister(new ExportPartTimeRegisterRequest(), asSchool);
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });

        var ended = await timetables.ReviewPartTimeTimetableAsync(new ReviewPartTimeTimetableRequest
        {
            Name = recorded.Name, ReviewedOn = D(now), Decision = TimetableReviewDecision.ReturnToFullTime,
        }, Officer);
        Assert.Equal((PartTimeTimetableStatus.Ended, D(now)), (ended.Status, ended.EndedOn));
    }
}
