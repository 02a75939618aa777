using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.Exclusions;

public enum BoardDecision
{
    Reinstate = 1,
    Uphold = 2,
}

public enum IrpDecision
{
    Uphold = 1,
    RecommendReconsideration = 2,
    Quash = 3,
}

/// <summary>A suspension or permanent exclusion notified by a school, and the reviews that follow it.</summary>
public sealed class Exclusion : ICreatedOnRequest
{
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
    public BoardDecision? BoardDecision { get; private set; }
    public DateOnly? BoardDecisionNotified { get; private set; }
    public DateOnly? IrpApplied { get; private set; }
    public IrpDecision? IrpDecision { get; private set; }
    public DateOnly? IrpDecisionNotified { get; private set; }
    /// <summary>Sessions the pupil had been suspended, at any school, earlier in this term and this school year.</summary>
    public int SessionsSuspendedThisTermBefore { get; private set; }
    public int SessionsSuspendedThisYearBefore { get; private set; }
    public Guid? CreateRequestId { get; private set; }
    public DateTimeOffset RecordedAt { get; private set; }
    public uint Version { get; private set; }

    public bool IsSuspension => Kind is ExclusionKind.Suspension or ExclusionKind.LunchtimeSuspension;

    public static Exclusion Record(Guid pupilId, string schoolUrn, ExclusionKind kind, DateOnly startDate, int sessions,
        IEnumerable<string> reasonCodes, string? details, bool parentsMadeRepresentations, DateOnly? publicExamMissed,
        int sessionsThisTermBefore, int sessionsThisYearBefore, Guid? requestId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PupilId = pupilId,
        SchoolUrn = schoolUrn,
        Kind = kind,
        StartDate = startDate,
        Sessions = sessions,
        ReasonCodes = [.. reasonCodes],
        Details = details,
        ParentsMadeRepresentations = parentsMadeRepresentations,
        PublicExamMissed = publicExamMissed,
        SessionsSuspendedThisTermBefore = sessionsThisTermBefore,
        SessionsSuspendedThisYearBefore = sessionsThisYearBefore,
        CreateRequestId = requestId,
        RecordedAt = now.ToStoredPrecision(),
    };

    public ExclusionFacts Facts => new(Kind, StartDate, Sessions, SchoolUrn, SessionsSuspendedThisTermBefore,
        SessionsSuspendedThisYearBefore, ParentsMadeRepresentations, PublicExamMissed, BoardDecisionNotified, IrpApplied, IrpDecisionNotified);

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
        if (BoardDecision != Exclusions.BoardDecision.Uphold || BoardDecisionNotified is null)
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
