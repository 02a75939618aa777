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

        // The head teacher tells the parents by the end of the first day, though the local authority arranges the provision.
        AssertDeadline(report, DeadlineKind.ParentsToldOfSixthDayProvision, "2022-10-17", DutyHolder.School);
        AssertDeadline(report, DeadlineKind.SixthDayProvision, "2022-10-31", DutyHolder.LocalAuthority);  // 17-21 are days 1-5
        // 18-21 Oct (4), half term, 31 Oct-4 Nov (9), 7-11 (14), Mon 14 Nov (15)
        AssertDeadline(report, DeadlineKind.GoverningBoardMeeting, "2022-11-14", DutyHolder.GoverningBoard);
        Assert.Equal(D("2021-09-25"), report.RuleSet.EffectiveFrom);
        Assert.Contains("48 hours", report.Find(DeadlineKind.ParentsToldOfSixthDayProvision)!.Rule, StringComparison.Ordinal);
        Assert.Null(report.Cap); // the yearly cap is about suspensions
        Assert.Contains("15 school days", report.Find(DeadlineKind.GoverningBoardMeeting)!.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void The_review_deadlines_follow_the_boards_and_the_panels_decisions()
    {
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-17"), Sessions: 2,
            BoardDecision: BoardDecision.Uphold, BoardDecisionNotified: D("2022-11-14"), IrpApplied: D("2022-12-05"),
            IrpDecision: IrpDecision.Quash, IrpDecisionNotified: D("2023-01-11")));

        // 15-18 Nov (4), 21-25 (9), 28 Nov-2 Dec (14), Mon 5 Dec (15)
        AssertDeadline(report, DeadlineKind.IrpApplication, "2022-12-05", DutyHolder.Parents);
        // 6-9 Dec (4), 12-16 (9), 3-6 Jan (13), 9, 10 (15)
        AssertDeadline(report, DeadlineKind.IrpMeeting, "2023-01-10", DutyHolder.LocalAuthority);
        // 12, 13 Jan (2), 16-20 (7), 23, 24, 25 (10)
        AssertDeadline(report, DeadlineKind.GoverningBoardReconsideration, "2023-01-25", DutyHolder.GoverningBoard);
    }

    [Fact]
    public void In_the_covid_era_parents_had_25_school_days_to_apply_for_a_review()
    {
        // Excluded Mon 11 Jan 2021; decision notified Mon 1 Feb. 2-5 Feb (4), 8-12 (9), half term 15-19,
        // 22-26 (14), 1-5 Mar (19), 8-12 (24), Mon 15 Mar (25).
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2021-01-11"), Sessions: 2,
            BoardDecision: BoardDecision.Uphold, BoardDecisionNotified: D("2021-02-01")));

        AssertDeadline(report, DeadlineKind.IrpApplication, "2021-03-15", DutyHolder.Parents);
        Assert.Equal(D("2020-06-01"), report.RuleSet.EffectiveFrom);
    }

    [Theory]
    // The 25-day limit covers exclusions from 1 June 2020 to 24 September 2021 only (SI 2020/543, SI 2020/908 and the
    // 2021 amendment); the rule set is chosen by the exclusion's first day.
    // Board decision notified Fri 12 Jun 2020: 15-19 Jun (5), 22-26 (10), 29 Jun-3 Jul (15), 6-10 (20), 13-17 Jul (25).
    [InlineData("2020-05-22", "2020-06-12", "2020-07-03", "2012-09-01")] // Fri 22 May 2020: before the window, 15 days
    [InlineData("2020-06-01", "2020-06-12", "2020-07-17", "2020-06-01")] // Mon 1 Jun 2020: the first day of the window, 25
    // Board decision notified Mon 11 Oct 2021: 12-15 Oct (4), 18-22 (9), half term 25-29 Oct, 1-5 Nov (14),
    // Mon 8 Nov (15); 9-12 Nov (19), 15-19 (24), Mon 22 Nov (25).
    [InlineData("2021-09-24", "2021-10-11", "2021-11-22", "2020-06-01")] // Fri 24 Sep 2021: the last day of the window, 25
    [InlineData("2021-09-27", "2021-10-11", "2021-11-08", "2021-09-25")] // Mon 27 Sep 2021: after it, 15 again
    public void Parents_had_25_school_days_to_apply_for_a_review_only_for_exclusions_from_1_June_2020_to_24_September_2021(
        string firstDay, string boardDecided, string applyBy, string ruleSetFrom)
    {
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D(firstDay), Sessions: 2,
            BoardDecision: BoardDecision.Uphold, BoardDecisionNotified: D(boardDecided)));

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

        // 8 Nov-16 Dec (29), 3-6 Jan (33), 9-27 Jan (48), 30, 31 Jan (50)
        AssertDeadline(report, DeadlineKind.GoverningBoardMeeting, "2023-01-31", DutyHolder.GoverningBoard);
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
    public void A_missed_public_exam_means_a_board_meeting_within_15_school_days_whatever_the_length_preferably_before_the_exam()
    {
        // A two-day suspension from Mon 15 May 2023; the exam is on Wed 17 May. Without the exam no meeting is owed.
        // 16-19 May (4), 22-26 (9), half term 29 May-2 Jun, 5-9 Jun (14), Mon 12 Jun (15); before the exam where practicable.
        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D("2023-05-15"), Sessions: 4, PublicExamMissed: D("2023-05-17")));

        AssertDeadline(report, DeadlineKind.GoverningBoardMeeting, "2023-06-12", DutyHolder.GoverningBoard);
        Assert.Equal(D("2023-05-17"), report.Find(DeadlineKind.GoverningBoardMeeting)!.PreferredBefore);
        Assert.Null(For(new ExclusionFacts(ExclusionKind.Suspension, D("2023-05-15"), Sessions: 4)).Find(DeadlineKind.GoverningBoardMeeting));
    }

    [Fact]
    public void A_missed_exam_brings_a_meeting_on_representations_down_from_50_to_15_school_days()
    {
        // Six days from Mon 7 Nov 2022 with representations would allow 50 school days; an exam on Mon 21 Nov makes it 15:
        // 8-11 Nov (4), 14-18 (9), 21-25 (14), Mon 28 Nov (15), preferably before 21 Nov.
        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D("2022-11-07"), Sessions: 12, ParentsMadeRepresentations: true,
            PublicExamMissed: D("2022-11-21")));

        AssertDeadline(report, DeadlineKind.GoverningBoardMeeting, "2022-11-28", DutyHolder.GoverningBoard);
        Assert.Equal(D("2022-11-21"), report.Find(DeadlineKind.GoverningBoardMeeting)!.PreferredBefore);
    }

    [Fact]
    public void The_boards_days_count_from_the_day_it_was_told_of_the_exclusion()
    {
        // Permanent exclusion from Mon 17 Oct 2022; the board was told on Wed 19 Oct:
        // 20, 21 Oct (2), half term, 31 Oct-4 Nov (7), 7-11 (12), 14, 15, 16 Nov (15).
        var told = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-17"), Sessions: 2, BoardNotified: D("2022-10-19")));
        AssertDeadline(told, DeadlineKind.GoverningBoardMeeting, "2022-11-16", DutyHolder.GoverningBoard);
        Assert.Contains("19 October 2022", told.Find(DeadlineKind.GoverningBoardMeeting)!.Rule, StringComparison.Ordinal);

        // Not recorded: the first day, as if the board was told that day: Mon 14 Nov.
        var byDefault = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-17"), Sessions: 2));
        AssertDeadline(byDefault, DeadlineKind.GoverningBoardMeeting, "2022-11-14", DutyHolder.GoverningBoard);
    }

    [Fact]
    public void Consecutive_suspensions_that_together_pass_five_school_days_set_the_sixth_day_duty_for_the_school()
    {
        // Three days from Mon 7 Nov 2022 (7, 8, 9), then three from Thu 10 Nov (10, 11, 14): six consecutive school days.
        var days = Calendar.For(null);
        var first = new EarlierSuspension(D("2022-11-07"), 6, null, ExclusionKind.Suspension);
        var run = ConsecutiveSuspensions.RunningInto(days, D("2022-11-10"), null, [first]);
        Assert.Equal(new ConsecutiveSuspensions(D("2022-11-07"), 6), run);

        // 7, 8, 9 (3), 10, 11 (5), Mon 14 Nov (6): the school's duty, on the second suspension, told by its first day.
        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D("2022-11-10"), Sessions: 6, RunsOnFrom: run));
        AssertDeadline(report, DeadlineKind.SixthDayProvision, "2022-11-14", DutyHolder.School);
        AssertDeadline(report, DeadlineKind.ParentsToldOfSixthDayProvision, "2022-11-10", DutyHolder.School);

        // Alone, neither owes it.
        Assert.Empty(For(new ExclusionFacts(ExclusionKind.Suspension, D("2022-11-10"), Sessions: 6)).Deadlines);
    }

    [Theory]
    // Wed 9-Fri 11 Nov, then Mon 14 Nov: the weekend does not break a run. 9, 10, 11 (3), 14, 15 (5), Wed 16 Nov (6).
    [InlineData("2022-11-09", 6, null, "2022-11-14", "2022-11-16")]
    // Wed 19-Fri 21 Oct, then Mon 31 Oct after the half term: still consecutive school days. 19, 20, 21 (3), 31 Oct, 1 Nov (5), Wed 2 Nov (6).
    [InlineData("2022-10-19", 6, null, "2022-10-31", "2022-11-02")]
    // Mon 7-Tue 8 Nov, then Thu 10 Nov: Wed 9 was a school day in between, so no run and no duty.
    [InlineData("2022-11-07", 4, null, "2022-11-10", null)]
    // Five sessions end at midday on Fri 11 Nov: the pupil was back that afternoon, so Mon 14 Nov starts afresh.
    [InlineData("2022-11-09", 5, null, "2022-11-14", null)]
    // The earlier suspension was at another school: each school's governing body owes its own duty.
    [InlineData("2022-11-09", 6, "100001", "2022-11-14", null)]
    public void A_run_of_suspensions_is_broken_by_a_school_day_back_a_half_day_back_or_another_school(
        string earlierStart, int earlierSessions, string? earlierSchool, string start, string? sixthDay)
    {
        var days = Calendar.For(null);
        var run = ConsecutiveSuspensions.RunningInto(days, D(start), null,
            [new EarlierSuspension(D(earlierStart), earlierSessions, earlierSchool, ExclusionKind.Suspension)]);

        var report = For(new ExclusionFacts(ExclusionKind.Suspension, D(start), Sessions: 6, RunsOnFrom: run));

        Assert.Equal(sixthDay is null ? null : D(sixthDay), report.Find(DeadlineKind.SixthDayProvision)?.Date);
    }

    [Fact]
    public void A_run_owes_the_sixth_day_once_on_the_suspension_in_which_it_falls()
    {
        // 7-9 Nov and 10-14 Nov made six days (the duty is on the second); a third from Tue 15 Nov owes nothing more.
        var days = Calendar.For(null);
        EarlierSuspension[] earlier =
        [
            new(D("2022-11-07"), 6, null, ExclusionKind.Suspension),
            new(D("2022-11-10"), 6, null, ExclusionKind.Suspension),
        ];
        var run = ConsecutiveSuspensions.RunningInto(days, D("2022-11-15"), null, earlier);
        Assert.Equal(new ConsecutiveSuspensions(D("2022-11-07"), 12), run);

        Assert.Null(For(new ExclusionFacts(ExclusionKind.Suspension, D("2022-11-15"), Sessions: 4, RunsOnFrom: run))
            .Find(DeadlineKind.SixthDayProvision));
    }

    [Theory]
    [InlineData(BoardDecision.Reinstate, false)] // reinstated: nothing to review
    [InlineData(BoardDecision.Uphold, true)]     // upheld: 15 school days to apply
    public void An_irp_application_deadline_only_follows_a_board_that_upheld_the_exclusion(BoardDecision decision, bool owed)
    {
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-17"), Sessions: 2,
            BoardDecision: decision, BoardDecisionNotified: D("2022-11-14")));

        Assert.Equal(owed, report.Find(DeadlineKind.IrpApplication) is not null);
    }

    [Theory]
    [InlineData(IrpDecision.Uphold, null)]                        // the panel upheld: no reconsideration
    [InlineData(IrpDecision.RecommendReconsideration, "2023-01-25")] // 12, 13 Jan (2), 16-20 (7), 23, 24, 25 (10)
    [InlineData(IrpDecision.Quash, "2023-01-25")]
    public void A_reconsideration_deadline_only_follows_a_panel_that_quashed_or_recommended_it(IrpDecision decision, string? due)
    {
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2022-10-17"), Sessions: 2,
            BoardDecision: BoardDecision.Uphold, BoardDecisionNotified: D("2022-11-14"), IrpApplied: D("2022-12-05"),
            IrpDecision: decision, IrpDecisionNotified: D("2023-01-11")));

        Assert.Equal(due is null ? null : D(due), report.Find(DeadlineKind.GoverningBoardReconsideration)?.Date);
    }

    [Fact]
    public void A_deadline_past_the_last_loaded_year_is_owed_but_not_counted_and_says_why()
    {
        // Permanent exclusion Wed 14 Jul 2027, a week before 2026/27 ends (Wed 21 Jul). Day 6: 14, 15, 16, 19, 20 (5), 21 (6),
        // still in 2026/27; the board's 15 school days run into 2027/28, whose calendar is not shipped.
        var report = For(new ExclusionFacts(ExclusionKind.PermanentExclusion, D("2027-07-14"), Sessions: 2));

        AssertDeadline(report, DeadlineKind.SixthDayProvision, "2027-07-21", DutyHolder.LocalAuthority);
        Assert.Null(report.Find(DeadlineKind.GoverningBoardMeeting));
        var board = Assert.Single(report.Uncounted);
        Assert.Equal((DeadlineKind.GoverningBoardMeeting, "calendar for 2027/28 not yet loaded"), (board.Kind, board.Reason));
        Assert.True(report.Owes(DeadlineKind.GoverningBoardMeeting));
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
