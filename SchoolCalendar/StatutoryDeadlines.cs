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

/// <summary>The governing board's decision on reinstatement.</summary>
public enum BoardDecision
{
    Reinstate = 1,
    Uphold = 2,
}

/// <summary>The Independent Review Panel's decision.</summary>
public enum IrpDecision
{
    Uphold = 1,
    RecommendReconsideration = 2,
    Quash = 3,
}

/// <summary>
/// Earlier suspensions at the same school that run straight into this one (no school day between them): the
/// sixth-day duty counts them together (Education (Provision of Full-Time Education for Excluded Pupils)
/// (England) Regulations 2007, reg 3: consecutive fixed-period exclusions are treated as one).
/// </summary>
/// <param name="FirstDay">The first day of the earliest suspension of the run.</param>
/// <param name="SessionsBefore">Sessions of the run before this suspension.</param>
public sealed record ConsecutiveSuspensions(DateOnly FirstDay, int SessionsBefore)
{
    /// <summary>
    /// The run of earlier suspensions at the same school that ends on the school day before <paramref name="start"/>,
    /// or null ("the sixth consecutive school day of exclusion, regardless of whether the pupil has been excluded for a
    /// single fixed period or more than one": 2007 Regulations, reg 3, as amended by SI 2014/3216). A suspension of an
    /// odd number of sessions ends at midday, so the pupil was back in school and the run breaks there; lunchtime
    /// suspensions never join a run.
    /// </summary>
    public static ConsecutiveSuspensions? RunningInto(SchoolDays days, DateOnly start, string? schoolUrn, IEnumerable<EarlierSuspension> earlier)
    {
        var candidates = earlier
            .Where(e => e.SchoolUrn == schoolUrn && e.Kind == ExclusionKind.Suspension && e.Sessions % 2 == 0 && e.StartDate < start)
            .OrderByDescending(e => e.StartDate)
            .ToList();
        ConsecutiveSuspensions? run = null;
        var next = start;
        foreach (var suspension in candidates)
        {
            if (!days.IsSchoolDay(suspension.StartDate))
            {
                break; // recorded under a calendar that has since changed: no run can be counted through it
            }
            var lastDay = days.NthSchoolDayFrom(suspension.StartDate, suspension.Sessions / 2);
            if (days.NthSchoolDayAfter(lastDay, 1) != next)
            {
                break;
            }
            run = new ConsecutiveSuspensions(suspension.StartDate, (run?.SessionsBefore ?? 0) + suspension.Sessions);
            next = suspension.StartDate;
        }
        return run;
    }
}

/// <summary>An earlier suspension (or lunchtime suspension) of the same pupil, at any school.</summary>
public sealed record EarlierSuspension(DateOnly StartDate, int Sessions, string? SchoolUrn, ExclusionKind Kind);

/// <summary>What is known of an exclusion when its deadlines are worked out.</summary>
/// <param name="Sessions">Its length in sessions (half days); a lunchtime suspension is one session.</param>
/// <param name="SessionsSuspendedThisTermBefore">Sessions the pupil was already suspended this term, at any school.</param>
/// <param name="SessionsSuspendedThisYearBefore">Sessions the pupil was already suspended this school year, at any school.</param>
/// <param name="PublicExamMissed">The date of a public examination or national curriculum test the exclusion makes the pupil miss.</param>
/// <param name="BoardNotified">The day the governing board received notice of the exclusion; the first day when not recorded.</param>
/// <param name="RunsOnFrom">Earlier back-to-back suspensions at the same school, if any.</param>
public sealed record ExclusionFacts(
    ExclusionKind Kind,
    DateOnly StartDate,
    int Sessions,
    string? SchoolUrn = null,
    int SessionsSuspendedThisTermBefore = 0,
    int SessionsSuspendedThisYearBefore = 0,
    bool ParentsMadeRepresentations = false,
    DateOnly? PublicExamMissed = null,
    DateOnly? BoardNotified = null,
    BoardDecision? BoardDecision = null,
    DateOnly? BoardDecisionNotified = null,
    DateOnly? IrpApplied = null,
    IrpDecision? IrpDecision = null,
    DateOnly? IrpDecisionNotified = null,
    ConsecutiveSuspensions? RunsOnFrom = null);

/// <param name="PreferredBefore">Where the rule asks for it "where reasonably practicable": meet before this date.</param>
public sealed record StatutoryDeadline(DeadlineKind Kind, DateOnly Date, DutyHolder Holder, string Rule, DateOnly? PreferredBefore = null);

/// <summary>A duty that is owed but whose date cannot be counted yet, e.g. because it runs into a school year whose calendar is not loaded.</summary>
public sealed record UncountedDeadline(DeadlineKind Kind, DutyHolder Holder, string Rule, string Reason);

/// <summary>The yearly cap on suspensions, counted in sessions across every school the pupil attended.</summary>
public sealed record SuspensionCap(int CapSessions, int SessionsThisYearIncludingThis, bool WouldBeExceeded);

public sealed record DeadlineReport(RuleSet RuleSet, IReadOnlyList<StatutoryDeadline> Deadlines, SuspensionCap? Cap,
    IReadOnlyList<UncountedDeadline> Uncounted)
{
    public StatutoryDeadline? Find(DeadlineKind kind) => Deadlines.FirstOrDefault(d => d.Kind == kind);

    /// <summary>Whether the exclusion owes this duty at all, counted or not.</summary>
    public bool Owes(DeadlineKind kind) => Find(kind) is not null || Uncounted.Any(u => u.Kind == kind);
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
            throw new ArgumentException($"An exclusion starts on a school day; {exclusion.StartDate:yyyy-MM-dd} is not one in the calendar as it now stands.");
        }
        if (exclusion.Kind == ExclusionKind.LunchtimeSuspension && exclusion.Sessions != 1)
        {
            throw new ArgumentException("A lunchtime suspension is one session.", nameof(exclusion));
        }

        var ruleSet = rules.InForceOn(exclusion.StartDate);
        var owed = new OwedDeadlines();
        var permanent = exclusion.Kind == ExclusionKind.PermanentExclusion;
        string Rule(string limit, string what) => $"{what}: {ruleSet[limit]} school days ({ruleSet.Source}, in force from {ruleSet.EffectiveFrom:d MMMM yyyy})";

        SixthDayProvision(exclusion, days, ruleSet, owed, Rule);
        GoverningBoardMeeting(exclusion, days, ruleSet, owed, Rule);

        // Parents may ask for a review only of a permanent exclusion the board upheld (Schedule 1, para 2).
        if (permanent && exclusion.BoardDecision == BoardDecision.Uphold && exclusion.BoardDecisionNotified is { } decided)
        {
            owed.Add(DeadlineKind.IrpApplication, DutyHolder.Parents,
                Rule("irp-application", "Parents may apply for an Independent Review Panel within"),
                () => days.NthSchoolDayAfter(decided, ruleSet["irp-application"]));
        }
        if (permanent && exclusion.IrpApplied is { } applied)
        {
            owed.Add(DeadlineKind.IrpMeeting, DutyHolder.LocalAuthority,
                Rule("irp-meeting", "The local authority convenes the Independent Review Panel within"),
                () => days.NthSchoolDayAfter(applied, ruleSet["irp-meeting"]));
        }
        // The board reconsiders only where the panel quashed its decision or recommended it reconsider (Schedule 1, para 24).
        if (permanent && exclusion.IrpDecision is IrpDecision.Quash or IrpDecision.RecommendReconsideration
            && exclusion.IrpDecisionNotified is { } reviewed)
        {
            owed.Add(DeadlineKind.GoverningBoardReconsideration, DutyHolder.GoverningBoard,
                Rule("board-reconsideration", "The governing board reconsiders within"),
                () => days.NthSchoolDayAfter(reviewed, ruleSet["board-reconsideration"]));
        }

        return new DeadlineReport(ruleSet, owed.Counted, permanent ? null : Cap(exclusion, ruleSet), owed.Uncounted);
    }

    /// <summary>
    /// Sixth-day provision: the local authority's duty after a permanent exclusion; the school's after a suspension,
    /// or a run of back-to-back suspensions, of more than five school days. Only the suspension during which the
    /// sixth day falls carries the duty, so a run owes it once.
    /// </summary>
    private static void SixthDayProvision(ExclusionFacts exclusion, SchoolDays days, RuleSet ruleSet, OwedDeadlines owed,
        Func<string, string, string> rule)
    {
        var threshold = 2 * ruleSet["day-6-threshold-days"];
        var permanent = exclusion.Kind == ExclusionKind.PermanentExclusion;
        var run = exclusion.Kind == ExclusionKind.Suspension ? exclusion.RunsOnFrom : null;
        var firstDay = run?.FirstDay ?? exclusion.StartDate;
        var sessionsBefore = run?.SessionsBefore ?? 0;
        if (!permanent && (sessionsBefore + exclusion.Sessions <= threshold || sessionsBefore > threshold))
        {
            return;
        }
        var holder = permanent ? DutyHolder.LocalAuthority : DutyHolder.School;
        // The head teacher tells the parents, whoever arranges the provision (Education and Inspections Act 2006 s104).
        owed.Add(DeadlineKind.ParentsToldOfSixthDayProvision, DutyHolder.School, ParentsToldRule, () => exclusion.StartDate);
        owed.Add(DeadlineKind.SixthDayProvision, holder,
            rule("sixth-day-provision", run is null
                ? "Suitable full-time education from this school day of the exclusion"
                : $"Suitable full-time education from this school day of the consecutive suspensions that began {run.FirstDay:d MMMM yyyy}"),
            () => days.NthSchoolDayFrom(firstDay, ruleSet["sixth-day-provision"]));
    }

    // Education (Provision of Full-Time Education for Excluded Pupils) (England) Regulations 2007, reg 6(2)-(4), as
    // substituted by SI 2012/1033 Sch 2 para 8(4).
    private const string ParentsToldRule =
        "The head teacher tells the parents in writing of the sixth-day provision without delay and no later than the end " +
        "of the afternoon session of the first day of the exclusion; details not yet known then follow in a further notice " +
        "at least 48 hours before the provision starts (2007 Regulations, reg 6, as substituted in 2012)";

    /// <summary>
    /// The governing board considers reinstatement (reg 6 / reg 24 of the 2012 Regulations), counted from the day it
    /// received notice of the exclusion: within 15 school days for a permanent exclusion, for suspensions taking the
    /// pupil over 15 school days in a term, and — whatever the length — where the pupil would miss a public
    /// examination or national curriculum test (then before the exam where reasonably practicable); within 50 school
    /// days for over 5 (up to 15) days in a term when the parents make representations.
    /// </summary>
    private static void GoverningBoardMeeting(ExclusionFacts exclusion, SchoolDays days, RuleSet ruleSet, OwedDeadlines owed,
        Func<string, string, string> rule)
    {
        var noticed = exclusion.BoardNotified ?? exclusion.StartDate;
        var sessionsThisTerm = exclusion.SessionsSuspendedThisTermBefore + exclusion.Sessions;
        var examMissed = exclusion.PublicExamMissed is { } exam && exam >= exclusion.StartDate ? exam : (DateOnly?)null;
        string limit;
        string what;
        if (exclusion.Kind == ExclusionKind.PermanentExclusion)
        {
            (limit, what) = ("governing-board", "The governing board considers reinstatement within");
        }
        else if (sessionsThisTerm > 2 * ruleSet["governing-board-threshold-days"])
        {
            (limit, what) = ("governing-board",
                $"Suspended over {ruleSet["governing-board-threshold-days"]} school days this term: the governing board considers reinstatement within");
        }
        else if (examMissed is { } missed)
        {
            (limit, what) = ("governing-board",
                $"A public examination or national curriculum test on {missed:d MMMM yyyy} is missed: the governing board considers reinstatement within");
        }
        else if (sessionsThisTerm > 2 * ruleSet["representations-threshold-days"] && exclusion.ParentsMadeRepresentations)
        {
            (limit, what) = ("governing-board-on-representations",
                "Parents made representations: the governing board considers reinstatement within");
        }
        else
        {
            return;
        }
        var text = rule(limit, what) + $", counted from notice of the exclusion on {noticed:d MMMM yyyy}";
        owed.Add(DeadlineKind.GoverningBoardMeeting, DutyHolder.GoverningBoard, text,
            () => days.NthSchoolDayAfter(noticed, ruleSet[limit]),
            date => examMissed is { } before && before > noticed && before <= date ? before : null);
    }

    private static SuspensionCap Cap(ExclusionFacts exclusion, RuleSet ruleSet)
    {
        var cap = 2 * ruleSet["suspension-cap-days"];
        var total = exclusion.SessionsSuspendedThisYearBefore + exclusion.Sessions;
        return new SuspensionCap(cap, total, total > cap);
    }

    /// <summary>
    /// Collects the duties an exclusion owes. A date that runs into a school year whose calendar is not loaded
    /// leaves the duty owed but uncounted, with the reason, rather than failing the whole report.
    /// </summary>
    private sealed class OwedDeadlines
    {
        public List<StatutoryDeadline> Counted { get; } = [];
        public List<UncountedDeadline> Uncounted { get; } = [];

        public void Add(DeadlineKind kind, DutyHolder holder, string rule, Func<DateOnly> date, Func<DateOnly, DateOnly?>? preferredBefore = null)
        {
            try
            {
                var due = date();
                Counted.Add(new StatutoryDeadline(kind, due, holder, rule, preferredBefore?.Invoke(due)));
            }
            catch (CalendarNotKnownException notLoaded)
            {
                Uncounted.Add(new UncountedDeadline(kind, holder, rule, notLoaded.Message));
            }
        }
    }
}
