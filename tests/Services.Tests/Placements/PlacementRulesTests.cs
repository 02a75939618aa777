extern alias PlacementsService;

using Inclusion.Events.V1;
using InclusionServices.KnownPupils;
using InclusionServices.ServiceDefaults;
using Placement = PlacementsService::InclusionServices.Placements.Placements.Placement;
using PlacementKind = PlacementsService::InclusionServices.Placements.Placements.PlacementKind;
using PlacementTerms = PlacementsService::InclusionServices.Placements.Placements.PlacementTerms;
using Provider = PlacementsService::InclusionServices.Placements.Providers.Provider;
using ProviderDetails = PlacementsService::InclusionServices.Placements.Providers.ProviderDetails;
using ProviderRegistration = PlacementsService::InclusionServices.Placements.Providers.ProviderRegistration;
using SixthDayHolder = PlacementsService::InclusionServices.Placements.SixthDay.SixthDayHolder;
using SixthDayRequirement = PlacementsService::InclusionServices.Placements.SixthDay.SixthDayRequirement;
using PartTimeTimetable = PlacementsService::InclusionServices.Placements.Timetables.PartTimeTimetable;
using TimetableReviewDecision = PlacementsService::InclusionServices.Placements.Timetables.TimetableReviewDecision;
using TimetableStatus = PlacementsService::InclusionServices.Placements.Timetables.TimetableStatus;

namespace InclusionServices.Tests.Placements;

/// <summary>The placement, capacity, registration and timetable rules on their own.</summary>
public sealed class PlacementRulesTests
{
    private static PupilSnapshot Pupil(SenStatus sen = SenStatus.NoSen, bool lookedAfter = false) =>
        new(Guid.NewGuid(), "100001", SchoolPhase.Secondary, 9, sen, false, "F", "", lookedAfter);

    private static Provider NewProvider(int capacity, ProviderRegistration registration = ProviderRegistration.RegisteredSchool) =>
        Provider.Add(new ProviderDetails("Pool Street", registration, capacity, null, [], null, null, null, null, null, null));

    private static readonly PlacementTerms Spring = new(new DateOnly(2026, 1, 5), new DateOnly(2026, 3, 27), true, null, 6);

    [Fact]
    public void Agreeing_takes_a_place_and_the_last_place_taken_refuses_the_next()
    {
        var provider = NewProvider(2);
        var placement = Placement.Propose(PlacementKind.Preventative, Pupil(), null, Spring, null);
        placement.Agree(provider, Spring, placesTaken: 1, [], 0);
        Assert.True(placement.TakesAPlace);

        var next = Placement.Propose(PlacementKind.Preventative, Pupil(), null, Spring, null);
        Assert.Throws<PreconditionFailedException>(() => next.Agree(provider, Spring, placesTaken: 2, [], 0));
    }

    [Fact]
    public void Two_full_time_placements_may_not_cover_the_same_day_but_may_follow_each_other()
    {
        var pupil = Pupil();
        var provider = NewProvider(10);
        var first = Placement.Propose(PlacementKind.Preventative, pupil, null, Spring, null);
        first.Agree(provider, Spring, 0, [], 0);

        var overlapping = Placement.Propose(PlacementKind.Interim, pupil, null, Spring, null);
        Assert.Throws<PreconditionFailedException>(() => overlapping.Agree(provider,
            Spring with { StartDate = new DateOnly(2026, 3, 27), EndDate = new DateOnly(2026, 5, 22) }, 1, [first], 0));
        var following = Placement.Propose(PlacementKind.Interim, pupil, null, Spring, null);
        following.Agree(provider, Spring with { StartDate = new DateOnly(2026, 3, 28), EndDate = new DateOnly(2026, 5, 22) }, 1, [first], 0);
    }

    [Fact]
    public void A_managed_move_has_no_planned_end_and_every_other_agreement_has_one()
    {
        var withEnd = Assert.Throws<RequestValidationException>(() => Placement.Propose(PlacementKind.ManagedMove, Pupil(), null, Spring, null));
        Assert.Equal("end_date", Assert.Single(withEnd.Violations).Field);
        var move = Placement.Propose(PlacementKind.ManagedMove, Pupil(), null, Spring with { EndDate = null }, null);
        move.Agree(NewProvider(3), Spring with { EndDate = null }, 0, [], 0);

        var open = Placement.Propose(PlacementKind.Preventative, Pupil(), null, Spring with { EndDate = null }, null);
        Assert.Throws<RequestValidationException>(() => open.Agree(NewProvider(3), Spring with { EndDate = null }, 0, [], 0));
    }

    [Theory]
    [InlineData(3, SenStatus.NoSen, false, 0)]  // the fourth full-time pupil: no warning
    [InlineData(4, SenStatus.NoSen, false, 1)]  // the fifth: must register
    [InlineData(0, SenStatus.EhcPlan, false, 1)] // one pupil with an EHC plan full time
    [InlineData(0, SenStatus.NoSen, true, 1)]    // one looked-after pupil full time
    public void An_unregistered_provider_is_warned_not_refused(int fullTimeAlready, SenStatus sen, bool lookedAfter, int warnings)
    {
        var placement = Placement.Propose(PlacementKind.Preventative, Pupil(sen, lookedAfter), null, Spring, null);
        placement.Agree(NewProvider(10, ProviderRegistration.Unregistered), Spring, 0, [], fullTimeAlready);
        Assert.Equal(warnings, placement.Warnings.Count);
    }

    [Fact]
    public void A_sixth_day_requirement_is_met_by_a_placement_covering_its_day()
    {
        var pupil = Pupil();
        var requirement = SixthDayRequirement.Owe(Guid.NewGuid(), pupil, SixthDayHolder.LocalAuthority, new DateOnly(2025, 10, 23), new DateOnly(2025, 11, 6));
        var provider = NewProvider(5);
        var late = Placement.Propose(PlacementKind.SixthDayProvision, pupil, null, Spring, null);
        late.Agree(provider, Spring with { StartDate = new DateOnly(2025, 11, 7), EndDate = new DateOnly(2025, 12, 19) }, 0, [], 0);
        Assert.False(requirement.MetBy(late));
        var onTime = Placement.Propose(PlacementKind.SixthDayProvision, pupil, null, Spring, null);
        onTime.Agree(provider, Spring with { StartDate = new DateOnly(2025, 11, 6), EndDate = new DateOnly(2025, 12, 19) }, 0, [], 0);
        Assert.True(requirement.MetBy(onTime));
        Assert.True(requirement.IsMissedOn(new DateOnly(2025, 11, 7)));
        requirement.Meet(onTime.Id);
        Assert.False(requirement.IsMissedOn(new DateOnly(2025, 11, 7)));
    }

    [Fact]
    public void A_part_time_timetable_is_time_limited_reviewed_on_schedule_and_ends_on_return_to_full_time()
    {
        var start = new DateOnly(2026, 1, 5);
        Assert.Throws<RequestValidationException>(() => PartTimeTimetable.Record(Pupil(), 15, 25, "x", start, start, start, 14));
        Assert.Throws<RequestValidationException>(() => PartTimeTimetable.Record(Pupil(), 25, 25, "x", start, start.AddDays(30), start, 14));

        var timetable = PartTimeTimetable.Record(Pupil(), 15, 25, "Phased return", start, start.AddDays(42), start, 14);
        Assert.Equal(start.AddDays(14), timetable.NextReviewDue);
        Assert.False(timetable.IsReviewOverdueOn(start.AddDays(14)));
        Assert.True(timetable.ReportOverdue(start.AddDays(15)));
        Assert.False(timetable.ReportOverdue(start.AddDays(16))); // once per missed date

        timetable.Review(start.AddDays(16), TimetableReviewDecision.IncreaseHours, null, 20, null);
        Assert.Equal((20m, start.AddDays(30)), (timetable.HoursPerWeek, timetable.NextReviewDue));
        Assert.Throws<RequestValidationException>(() => timetable.Review(start.AddDays(17), TimetableReviewDecision.IncreaseHours, null, 25, null));
        timetable.Review(start.AddDays(20), TimetableReviewDecision.ReturnToFullTime, null, null, null);
        Assert.Equal(TimetableStatus.Ended, timetable.Status);
        Assert.Throws<PreconditionFailedException>(() => timetable.Review(start.AddDays(21), TimetableReviewDecision.End, null, null, null));
    }
}
