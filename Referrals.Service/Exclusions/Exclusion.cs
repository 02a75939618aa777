using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>A suspension or permanent exclusion notified by a school, and the reviews that follow it.</summary>
public sealed class Exclusion : IPupilRecord
{
    public const int MaxDetailsLength = 4000;

    private Exclusion() { }

    public Guid Id { get; private set; }
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public ExclusionKind Kind { get; private set; }
    public DateOnly StartDate { get; private set; }
    public int Sessions { get; private set; }
    public List<string> ReasonCodes { get; private set; } = [];
    public string? Details { get; private set; }
    public bool ParentsMadeRepresentations { get; private set; }
    public DateOnly? PublicExamMissed { get; private set; }
    /// <summary>The day the governing board received notice of the exclusion: its 15 (or 50) school days count from here.</summary>
    public DateOnly BoardNotifiedOn { get; private set; }
    public BoardDecision? BoardDecision { get; private set; }
    public DateOnly? BoardDecisionNotified { get; private set; }
    public DateOnly? IrpApplied { get; private set; }
    public IrpDecision? IrpDecision { get; private set; }
    public DateOnly? IrpDecisionNotified { get; private set; }
    /// <summary>
    /// Sessions of the pupil's other suspensions in this term and this school year, at any school, recorded before this
    /// one whatever their dates: the cap and the board's thresholds are totals, not a running count.
    /// </summary>
    public int SessionsSuspendedThisTermBefore { get; private set; }
    public int SessionsSuspendedThisYearBefore { get; private set; }
    /// <summary>Where earlier suspensions at the same school run straight into this one: the run's first day and sessions.</summary>
    public DateOnly? RunStartedOn { get; private set; }
    public int RunSessionsBefore { get; private set; }
    /// <summary>
    /// Whether the governing board must consider reinstatement, fixed when the exclusion is recorded: lets the deadline
    /// watcher read only the exclusions that can still owe a meeting.
    /// </summary>
    public bool OwesBoardMeeting { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }
    public uint Version { get; private set; }
    /// <summary>The suspension this exclusion extends or converts (a further suspension, or the permanent exclusion that replaced it).</summary>
    public Guid? FollowsId { get; private set; }
    /// <summary>Set when the head teacher withdrew it before the governing board considered it: it then counts nowhere.</summary>
    public DateOnly? WithdrawnOn { get; private set; }
    public string? WithdrawalReason { get; private set; }
    /// <summary>
    /// Sessions the pupil had already spent out of school when it was withdrawn: they still count toward the 45-day
    /// limit (DfE guidance on cancelling an exclusion); the rest counts nowhere.
    /// </summary>
    public int SessionsServed { get; private set; }

    /// <summary>The sessions that count toward the pupil's tallies: all of them, or those served before a withdrawal.</summary>
    public int CountedSessions => WithdrawnOn is null ? Sessions : SessionsServed;

    public bool IsSuspension => Kind is ExclusionKind.Suspension or ExclusionKind.LunchtimeSuspension;

    public ExclusionFacts Facts => new(Kind, StartDate, Sessions, SchoolUrn, SessionsSuspendedThisTermBefore,
        SessionsSuspendedThisYearBefore, ParentsMadeRepresentations, PublicExamMissed, BoardNotifiedOn, BoardDecision,
        BoardDecisionNotified, IrpApplied, IrpDecision, IrpDecisionNotified,
        RunStartedOn is { } first ? new ConsecutiveSuspensions(first, RunSessionsBefore) : null);

    /// <summary>
    /// Records a school's notice of an exclusion, with what the pupil's earlier suspensions this school year mean for
    /// it. Refuses a start that is not a school day of the school and a suspension that would pass the yearly cap.
    /// </summary>
    /// <param name="earlierThisYear">The pupil's suspensions already recorded for this school year, whatever their dates.</param>
    public static (Exclusion Exclusion, DeadlineReport Deadlines) Record(NewExclusion notice, string schoolUrn,
        IReadOnlyList<EarlierSuspension> earlierThisYear, StatutoryDeadlines deadlines, DateTimeOffset now)
    {
        var days = deadlines.Calendar.For(schoolUrn);
        if (!days.IsSchoolDay(notice.StartDate))
        {
            throw new RequestValidationException([new FieldViolation("exclusion.start_date", "must be a school day of the pupil's school")]);
        }
        var term = days.TermsOf(SchoolYears.Of(notice.StartDate)).FirstOrDefault(t => t.Contains(notice.StartDate));
        var before = earlierThisYear;
        var run = notice.Kind == ExclusionKind.Suspension ? ConsecutiveSuspensions.RunningInto(days, notice.StartDate, schoolUrn, before) : null;
        var exclusion = new Exclusion
        {
            Id = Guid.CreateVersion7(now),
            PupilId = notice.PupilId,
            SchoolUrn = schoolUrn,
            Kind = notice.Kind,
            StartDate = notice.StartDate,
            Sessions = notice.Sessions,
            ReasonCodes = [.. notice.ReasonCodes],
            Details = notice.Details,
            ParentsMadeRepresentations = notice.ParentsMadeRepresentations,
            PublicExamMissed = notice.PublicExamMissed,
            BoardNotifiedOn = notice.BoardNotifiedOn ?? notice.StartDate,
            SessionsSuspendedThisTermBefore = term is null ? 0 : before.Where(e => term.Contains(e.StartDate)).Sum(e => e.Sessions),
            SessionsSuspendedThisYearBefore = before.Sum(e => e.Sessions),
            RunStartedOn = run?.FirstDay,
            RunSessionsBefore = run?.SessionsBefore ?? 0,
            RecordedAt = now.ToStoredPrecision(),
            FollowsId = notice.Follows,
        };
        var report = deadlines.For(exclusion.Facts);
        if (report.Cap is { WouldBeExceeded: true } cap)
        {
            throw new PreconditionFailedException(
                $"This suspension would take the pupil to {cap.SessionsThisYearIncludingThis / 2.0:0.#} school days suspended this school year " +
                $"(across schools); no pupil may be suspended for more than {cap.CapSessions / 2} school days in a school year.");
        }
        exclusion.OwesBoardMeeting = report.Owes(DeadlineKind.GoverningBoardMeeting);
        return (exclusion, report);
    }

    /// <summary>
    /// The head teacher withdraws the exclusion. Possible only until the governing board has considered it; from then
    /// on only the board's or a review's decision changes it.
    /// </summary>
    public void Withdraw(DateOnly withdrawnOn, string? reason, SchoolDays days)
    {
        if (WithdrawnOn is not null)
        {
            throw new PreconditionFailedException("The exclusion is already withdrawn.");
        }
        if (BoardDecision is not null)
        {
            throw new PreconditionFailedException("The governing board has considered this exclusion: the head teacher can no longer withdraw it.");
        }
        // An exclusion may be withdrawn before it begins, but a school tells the council of one at most a few weeks ahead.
        if (withdrawnOn < StartDate.AddDays(-30))
        {
            throw new PreconditionFailedException("A withdrawal cannot be dated more than 30 days before the exclusion's first day.");
        }
        WithdrawnOn = withdrawnOn;
        WithdrawalReason = reason;
        // School days from the first day up to the day before the withdrawal, which the pupil spent out of school.
        SessionsServed = withdrawnOn <= StartDate || !days.IsSchoolDay(StartDate)
            ? 0
            : Math.Min(Sessions, days.SessionsBetween(StartDate.AddDays(-1), withdrawnOn.AddDays(-1)));
        OwesBoardMeeting = false;
    }

    /// <summary>
    /// Another suspension of the same child, recorded before this one, was withdrawn: it no longer counts in this one's
    /// tallies, so the board's thresholds are worked out again.
    /// </summary>
    public void Discount(Exclusion withdrawn, bool sameTerm, StatutoryDeadlines deadlines)
    {
        var dropped = withdrawn.Sessions - withdrawn.SessionsServed;
        SessionsSuspendedThisYearBefore = Math.Max(0, SessionsSuspendedThisYearBefore - dropped);
        if (sameTerm)
        {
            SessionsSuspendedThisTermBefore = Math.Max(0, SessionsSuspendedThisTermBefore - dropped);
        }
        if (WithdrawnOn is null)
        {
            OwesBoardMeeting = deadlines.For(Facts).Owes(DeadlineKind.GoverningBoardMeeting);
        }
    }

    /// <summary>The school day after this suspension's last: where a further suspension or a conversion begins.</summary>
    public DateOnly NextSchoolDayAfter(SchoolDays days)
    {
        if (Kind != ExclusionKind.Suspension)
        {
            throw new PreconditionFailedException("Only a suspension (not a lunchtime suspension or a permanent exclusion) can be extended or converted.");
        }
        if (WithdrawnOn is not null)
        {
            throw new PreconditionFailedException("The suspension was withdrawn.");
        }
        if (!days.IsSchoolDay(StartDate))
        {
            throw new PreconditionFailedException("The suspension's first day is no longer a school day in the calendar: correct the calendar first.");
        }
        // An odd number of sessions ends at midday; what follows begins the next school day.
        return days.NthSchoolDayAfter(days.NthSchoolDayFrom(StartDate, (Sessions + 1) / 2), 1);
    }

    public void RecordBoardDecision(BoardDecision decision, DateOnly notifiedOn)
    {
        if (WithdrawnOn is not null)
        {
            throw new PreconditionFailedException("The exclusion was withdrawn: there is nothing for the board to consider.");
        }
        if (BoardDecision is not null)
        {
            throw new PreconditionFailedException("The governing board's decision is already recorded.");
        }
        if (notifiedOn < StartDate)
        {
            throw new PreconditionFailedException("The board cannot have decided before the exclusion began.");
        }
        BoardDecision = decision;
        BoardDecisionNotified = notifiedOn;
    }

    public void RecordIrpApplication(DateOnly appliedOn)
    {
        if (Kind != ExclusionKind.PermanentExclusion)
        {
            throw new PreconditionFailedException("An Independent Review Panel reviews permanent exclusions only.");
        }
        if (BoardDecision != SchoolCalendar.BoardDecision.Uphold || BoardDecisionNotified is null)
        {
            throw new PreconditionFailedException("Parents apply for a review once the governing board has upheld the exclusion.");
        }
        if (IrpApplied is not null)
        {
            throw new PreconditionFailedException("The application for a review is already recorded.");
        }
        if (appliedOn < BoardDecisionNotified)
        {
            throw new PreconditionFailedException("The application cannot come before the board's decision was notified.");
        }
        IrpApplied = appliedOn;
    }

    public void RecordIrpDecision(IrpDecision decision, DateOnly notifiedOn)
    {
        if (IrpApplied is null)
        {
            throw new PreconditionFailedException("No application for an Independent Review Panel is recorded.");
        }
        if (IrpDecision is not null)
        {
            throw new PreconditionFailedException("The panel's decision is already recorded.");
        }
        if (notifiedOn < IrpApplied)
        {
            throw new PreconditionFailedException("The panel cannot have decided before the application.");
        }
        IrpDecision = decision;
        IrpDecisionNotified = notifiedOn;
    }
}

/// <summary>What a school tells the council of an exclusion, checked for form but not yet against the calendar.</summary>
/// <param name="Follows">The suspension this one extends or converts.</param>
public sealed record NewExclusion(Guid PupilId, ExclusionKind Kind, DateOnly StartDate, int Sessions, IReadOnlyList<string> ReasonCodes,
    string? Details, bool ParentsMadeRepresentations, DateOnly? PublicExamMissed, DateOnly? BoardNotifiedOn, Guid? Follows = null);

