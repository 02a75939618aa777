using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>A suspension or permanent exclusion notified by a school, and the reviews that follow it.</summary>
public sealed class Exclusion : IBelongsToSchool
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

    public void RecordBoardDecision(BoardDecision decision, DateOnly notifiedOn)
    {
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
public sealed record NewExclusion(Guid PupilId, ExclusionKind Kind, DateOnly StartDate, int Sessions, IReadOnlyList<string> ReasonCodes,
    string? Details, bool ParentsMadeRepresentations, DateOnly? PublicExamMissed, DateOnly? BoardNotifiedOn);

