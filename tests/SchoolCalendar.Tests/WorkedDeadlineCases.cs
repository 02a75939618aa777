using static InclusionServices.SchoolCalendar.Tests.ShippedData;

namespace InclusionServices.SchoolCalendar.Tests;

/// <summary>Statutory deadlines worked out by hand from the rules (Data/statutory-time-limits.rules) and calendars.</summary>
public sealed class WorkedDeadlineCases
{
    private static DeadlineReport For(ExclusionFacts exclusion) => Deadlines.For(exclusion);

    private static void AssertDeadline(DeadlineReport report, DeadlineKind kind, string date, DutyHolder holder)
    {
        var deadline = report.Find(kind);
        Assert.NotNull(deadline);
        Assert.Equal((D(date), holder), (deadline.Date, deadline.Holder));
    }

    [Fact]
    public void A_permanent_exclusion_starting_the_week_before_half_term()
    {
        // Mon 17 Oct 2022; half term 24-28 Oct.
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-17"), Sessions: 2));

        AssertDeadline(report, DeadlineKind.ParentsToldOfSixthDayProvision, "2022-10-17", DutyHolder.LocalAuthority);
        AssertDeadline(report, DeadlineKind.SixthDayProvision, "2022-10-31", DutyHolder.LocalAuthority);  // 17-21 are days 1-5
        AssertDeadline(report, DeadlineKind.GoverningBoardMeeting, "2022-11-14", DutyHolder.GoverningBoard); // 15 school days
        Assert.Equal(D("2022-03-25"), report.RuleSet.EffectiveFrom);
        Assert.Null(report.Cap); // the yearly cap is about suspensions
        Assert.Contains("15 school days", report.Find(DeadlineKind.GoverningBoardMeeting)!.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void The_review_deadlines_follow_the_boards_and_the_panels_decisions()
    {
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-17"), Sessions: 2,
            BoardDecisionNotified: D("2022-11-14"), IrpApplied: D("2022-12-05"), IrpDecisionNotified: D("2023-01-11")));

        // 15-18 Nov (4), 21-25 (9), 28 Nov-2 Dec (14), Mon 5 Dec (15)
        AssertDeadline(report, DeadlineKind.IrpApplication, "2022-12-05", DutyHolder.Parents);
        // 6-9 Dec (4), 12-16 (9), 4-6 Jan (12), 9, 10, 11 (15)
        AssertDeadline(report, DeadlineKind.IrpMeeting, "2023-01-11", DutyHolder.LocalAuthority);
        // 12, 13 Jan (2), 16-20 (7), 23, 24, 25 (10)
        AssertDeadline(report, DeadlineKind.GoverningBoardReconsideration, "2023-01-25", DutyHolder.GoverningBoard);
    }

    [Fact]
    public void In_the_covid_era_parents_had_25_school_days_to_apply_for_a_review()
    {
        // Excluded Mon 11 Jan 2021; decision notified Mon 1 Feb. 2-5 Feb (4), 8-12 (9), half term 15-19,
        // 22-26 (14), 1-5 Mar (19), 8-12 (24), Mon 15 Mar (25).
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2021-01-11"), Sessions: 2,
            BoardDecisionNotified: D("2021-02-01")));

        AssertDeadline(report, DeadlineKind.IrpApplication, "2021-03-15", DutyHolder.Parents);
        Assert.Equal(D("2020-06-01"), report.RuleSet.EffectiveFrom);
    }

    [Theory]
    // The rule set is chosen by the exclusion's first day: 24 March 2022 is the last day of the covid rules.
    // Decision notified Mon 28 Mar 2022: 29-31 Mar, 1 Apr (4), 4-8 Apr (9), Easter holidays, 25-29 Apr (14),
    // Mon 2 May bank holiday, Tue 3 May (15); then 4-6 May (18), 9-13 (23), 16, 17 May (25).
    [InlineData("2022-03-24", "2022-05-17", "2020-06-01")]
    [InlineData("2022-03-25", "2022-05-03", "2022-03-25")]
    public void A_rule_change_takes_effect_mid_year(string firstDay, string applyBy, string ruleSetFrom)
    {
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D(firstDay), Sessions: 2,
            BoardDecisionNotified: D("2022-03-28")));

        AssertDeadline(report, DeadlineKind.IrpApplication, applyBy, DutyHolder.Parents);
        Assert.Equal(D(ruleSetFrom), report.RuleSet.EffectiveFrom);
    }

    [Fact]
    public void A_suspension_of_five_days_sets_no_sixth_day_and_no_board_meeting()
    {
        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D("2022-11-07"), Sessions: 10));

        Assert.Empty(report.Deadlines);
        Assert.Equal(new SuspensionCap(90, 10, false), report.Cap);
    }

    [Fact]
    public void A_suspension_of_six_days_puts_the_sixth_day_on_the_school()
    {
        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D("2022-11-07"), Sessions: 12));

        AssertDeadline(report, DeadlineKind.ParentsToldOfSixthDayProvision, "2022-11-07", DutyHolder.School);
        AssertDeadline(report, DeadlineKind.SixthDayProvision, "2022-11-14", DutyHolder.School); // 7-11 (5), Mon 14 (6)
        Assert.Null(report.Find(DeadlineKind.GoverningBoardMeeting)); // over 5 days: a meeting only if parents ask
    }

    [Fact]
    public void Over_five_days_in_a_term_and_parents_make_representations_the_board_has_50_school_days()
    {
        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D("2022-11-07"), Sessions: 12, ParentsMadeRepresentations: true));

        // 8 Nov-16 Dec (29), 4-27 Jan (47), 30, 31 Jan, 1 Feb (50)
        AssertDeadline(report, DeadlineKind.GoverningBoardMeeting, "2023-02-01", DutyHolder.GoverningBoard);
    }

    [Theory]
    [InlineData(20, "2022-11-28")] // 10 days before + 6 = 16 days this term: over 15. 8-11 (4), 14-18 (9), 21-25 (14), 28 (15)
    [InlineData(18, null)]         // 9 + 6 = exactly 15: not over 15, and no representations
    public void Over_fifteen_days_suspended_in_a_term_the_board_must_meet_within_15_school_days(int sessionsBefore, string? meeting)
    {
        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D("2022-11-07"), Sessions: 12,
            SessionsSuspendedThisTermBefore: sessionsBefore));

        Assert.Equal(meeting is null ? null : D(meeting), report.Find(DeadlineKind.GoverningBoardMeeting)?.Date);
    }

    [Fact]
    public void A_missed_public_exam_brings_the_board_meeting_before_the_exam()
    {
        // Two days from Mon 15 May 2023; the exam is on Wed 17 May: the board meets by Tue 16 May.
        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D("2023-05-15"), Sessions: 4, PublicExamMissed: D("2023-05-17")));

        AssertDeadline(report, DeadlineKind.GoverningBoardMeeting, "2023-05-16", DutyHolder.GoverningBoard);
    }

    [Theory]
    [InlineData(ExclusionKind.Suspension, 86, 6, 92, true)]            // 43 days across two schools + 3 days: over 45
    [InlineData(ExclusionKind.Suspension, 84, 6, 90, false)]           // exactly 45 days: allowed
    [InlineData(ExclusionKind.LunchtimeSuspension, 89, 1, 90, false)]  // a lunchtime counts half a day: 45 exactly
    [InlineData(ExclusionKind.LunchtimeSuspension, 90, 1, 91, true)]   // 45 days already: half a day more crosses it
    public void The_45_day_yearly_cap_is_counted_across_schools_in_half_days(
        ExclusionKind kind, int before, int sessions, int total, bool exceeded)
    {
        var report = For(new ExclusionFacts(kind, D("2023-03-01"), sessions, SessionsSuspendedThisYearBefore: before));

        Assert.Equal(new SuspensionCap(90, total, exceeded), report.Cap);
    }

    [Fact]
    public void An_exclusion_cannot_start_on_a_day_that_is_not_a_school_day()
    {
        Assert.Throws<ArgumentException>(() => For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-24"), 2)));
        Assert.Throws<ArgumentException>(() => For(new ExclusionFacts(ExclusionKind.LunchtimeSuspension, D("2022-10-17"), 2)));
    }

    [Fact]
    public void A_schools_own_inset_day_moves_its_deadlines()
    {
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-17"), 2, SchoolUrn: SchoolWithInsetDays));

        AssertDeadline(report, DeadlineKind.SixthDayProvision, "2022-11-01", DutyHolder.LocalAuthority);
        // 18-21 Oct (4); 31 Oct is its INSET day; 1-4 Nov (8); 7-11 (13); 14, 15 (15)
        AssertDeadline(report, DeadlineKind.GoverningBoardMeeting, "2022-11-15", DutyHolder.GoverningBoard);
    }
}
