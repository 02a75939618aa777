namespace InclusionServices.SchoolCalendar;

public enum ExclusionKind
{
    Suspension = 1,
    /// <summary>Counts as half a school day (one session).</summary>
    LunchtimeSuspension = 2,
    PermanentExclusion = 3,
}

/// <summary>Who a statutory duty falls on.</summary>
public enum DutyHolder
{
    School = 1,
    LocalAuthority = 2,
    GoverningBoard = 3,
    Parents = 4,
    IndependentReviewPanel = 5,
}

public enum DeadlineKind
{
    /// <summary>Parents told of the sixth-day arrangements, by the end of the afternoon session of the first day.</summary>
    ParentsToldOfSixthDayProvision = 1,
    /// <summary>Suitable full-time education from this school day.</summary>
    SixthDayProvision = 2,
    GoverningBoardMeeting = 3,
    IrpApplication = 4,
    IrpMeeting = 5,
    GoverningBoardReconsideration = 6,
}

/// <summary>What is known of an exclusion when its deadlines are worked out.</summary>
/// <param name="Sessions">Its length in sessions (half days); a lunchtime suspension is one session.</param>
/// <param name="SessionsSuspendedThisTermBefore">Sessions the pupil was already suspended this term, at any school.</param>
/// <param name="SessionsSuspendedThisYearBefore">Sessions the pupil was already suspended this school year, at any school.</param>
/// <param name="PublicExamMissed">The date of a public examination the exclusion makes the pupil miss.</param>
public sealed record ExclusionFacts(
    ExclusionKind Kind,
    DateOnly StartDate,
    int Sessions,
    string? SchoolUrn = null,
    int SessionsSuspendedThisTermBefore = 0,
    int SessionsSuspendedThisYearBefore = 0,
    bool ParentsMadeRepresentations = false,
    DateOnly? PublicExamMissed = null,
    DateOnly? BoardDecisionNotified = null,
    DateOnly? IrpApplied = null,
    DateOnly? IrpDecisionNotified = null);

public sealed record StatutoryDeadline(DeadlineKind Kind, DateOnly Date, DutyHolder Holder, string Rule);

/// <summary>The yearly cap on suspensions, counted in sessions across every school the pupil attended.</summary>
public sealed record SuspensionCap(int CapSessions, int SessionsThisYearIncludingThis, bool WouldBeExceeded);

public sealed record DeadlineReport(RuleSet RuleSet, IReadOnlyList<StatutoryDeadline> Deadlines, SuspensionCap? Cap)
{
    public StatutoryDeadline? Find(DeadlineKind kind) => Deadlines.FirstOrDefault(d => d.Kind == kind);
}

/// <summary>
/// Works out the statutory deadlines an exclusion sets running, from the rule set in force on its first day and
/// the school's calendar (School Discipline (Pupil Exclusions and Reviews) (England) Regulations 2012 as amended;
/// Education (Provision of Full-Time Education for Excluded Pupils) (England) Regulations 2007).
/// </summary>
public sealed class StatutoryDeadlines(LocalAuthorityCalendar calendar, StatutoryRules rules)
{
    /// <summary>The calendar the deadlines are counted in.</summary>
    public LocalAuthorityCalendar Calendar => calendar;

    public DeadlineReport For(ExclusionFacts exclusion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exclusion.Sessions, 1);
        var days = calendar.For(exclusion.SchoolUrn);
        if (!days.IsSchoolDay(exclusion.StartDate))
        {
            throw new ArgumentException($"An exclusion starts on a school day; {exclusion.StartDate:yyyy-MM-dd} is not one.", nameof(exclusion));
        }
        if (exclusion.Kind == ExclusionKind.LunchtimeSuspension && exclusion.Sessions != 1)
        {
            throw new ArgumentException("A lunchtime suspension is one session.", nameof(exclusion));
        }

        var ruleSet = rules.InForceOn(exclusion.StartDate);
        string Rule(string limit, string what) => $"{what}: {ruleSet[limit]} school days ({ruleSet.Source}, in force from {ruleSet.EffectiveFrom:d MMMM yyyy})";
        var deadlines = new List<StatutoryDeadline>();
        var permanent = exclusion.Kind == ExclusionKind.PermanentExclusion;

        // Sixth-day provision: the local authority's duty after a permanent exclusion, the school's after a
        // suspension of more than five school days. Parents are told of it by the end of the first day.
        if (permanent || exclusion.Sessions > 2 * ruleSet["day-6-threshold-days"])
        {
            var holder = permanent ? DutyHolder.LocalAuthority : DutyHolder.School;
            deadlines.Add(new StatutoryDeadline(DeadlineKind.ParentsToldOfSixthDayProvision, exclusion.StartDate, holder,
                "Parents told of the sixth-day arrangements by the end of the afternoon session of the first day"));
            deadlines.Add(new StatutoryDeadline(DeadlineKind.SixthDayProvision,
                days.NthSchoolDayFrom(exclusion.StartDate, ruleSet["sixth-day-provision"]), holder,
                Rule("sixth-day-provision", "Suitable full-time education from this school day of the exclusion")));
        }

        var board = GoverningBoardMeeting(exclusion, days, ruleSet, Rule);
        if (board is not null)
        {
            deadlines.Add(board);
        }

        if (permanent && exclusion.BoardDecisionNotified is { } decided)
        {
            deadlines.Add(new StatutoryDeadline(DeadlineKind.IrpApplication,
                days.NthSchoolDayAfter(decided, ruleSet["irp-application"]), DutyHolder.Parents,
                Rule("irp-application", "Parents may apply for an Independent Review Panel within")));
        }
        if (permanent && exclusion.IrpApplied is { } applied)
        {
            deadlines.Add(new StatutoryDeadline(DeadlineKind.IrpMeeting,
                days.NthSchoolDayAfter(applied, ruleSet["irp-meeting"]), DutyHolder.LocalAuthority,
                Rule("irp-meeting", "The local authority convenes the Independent Review Panel within")));
        }
        if (permanent && exclusion.IrpDecisionNotified is { } reviewed)
        {
            deadlines.Add(new StatutoryDeadline(DeadlineKind.GoverningBoardReconsideration,
                days.NthSchoolDayAfter(reviewed, ruleSet["board-reconsideration"]), DutyHolder.GoverningBoard,
                Rule("board-reconsideration", "The governing board reconsiders within")));
        }

        return new DeadlineReport(ruleSet, deadlines, permanent ? null : Cap(exclusion, ruleSet));
    }

    private static StatutoryDeadline? GoverningBoardMeeting(ExclusionFacts exclusion, SchoolDays days, RuleSet ruleSet,
        Func<string, string, string> rule)
    {
        var sessionsThisTerm = exclusion.SessionsSuspendedThisTermBefore + exclusion.Sessions;
        StatutoryDeadline? meeting = null;
        if (exclusion.Kind == ExclusionKind.PermanentExclusion)
        {
            meeting = Board("governing-board", "The governing board considers reinstatement within");
        }
        else if (sessionsThisTerm > 2 * ruleSet["governing-board-threshold-days"])
        {
            meeting = Board("governing-board",
                $"Suspended over {ruleSet["governing-board-threshold-days"]} school days this term: the governing board considers reinstatement within");
        }
        else if (sessionsThisTerm > 2 * ruleSet["representations-threshold-days"] && exclusion.ParentsMadeRepresentations)
        {
            meeting = Board("governing-board-on-representations",
                "Parents made representations: the governing board considers reinstatement within");
        }

        // Where a public examination is missed, the board meets before it if it can (and must meet at all).
        if (exclusion.PublicExamMissed is { } exam && exam > exclusion.StartDate)
        {
            var beforeExam = days.LastSchoolDayBefore(exam);
            if (beforeExam >= exclusion.StartDate && (meeting is null || beforeExam < meeting.Date))
            {
                meeting = new StatutoryDeadline(DeadlineKind.GoverningBoardMeeting, beforeExam, DutyHolder.GoverningBoard,
                    $"A public examination on {exam:d MMMM yyyy} is missed: the governing board meets before it");
            }
        }
        return meeting;

        StatutoryDeadline Board(string limit, string what) =>
            new(DeadlineKind.GoverningBoardMeeting, days.NthSchoolDayAfter(exclusion.StartDate, ruleSet[limit]),
                DutyHolder.GoverningBoard, rule(limit, what));
    }

    private static SuspensionCap Cap(ExclusionFacts exclusion, RuleSet ruleSet)
    {
        var cap = 2 * ruleSet["suspension-cap-days"];
        var total = exclusion.SessionsSuspendedThisYearBefore + exclusion.Sessions;
        return new SuspensionCap(cap, total, total > cap);
    }
}
