using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.Exclusions;

public enum InternalExclusionKind
{
    RemovalFromClassroom = 1,
    Isolation = 2,
    OffSiteDirection = 3,
    SentHome = 4,
}

/// <summary>
/// A removal from the classroom, an isolation, a direction off-site or a pupil sent home: recorded so that it can be
/// counted, with no statutory deadline and never in the exclusion tallies or census figures.
/// </summary>
public sealed class InternalExclusion : IPupilRecord
{
    public const int MaxSessions = 20;
    public const int MaxReasonLength = 1000;

    private InternalExclusion() { }

    public Guid Id { get; private set; }
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public InternalExclusionKind Kind { get; private set; }
    public DateOnly Date { get; private set; }
    public int Sessions { get; private set; }
    public string Reason { get; private set; } = "";
    public DateTimeOffset RecordedAt { get; private set; }

    public static InternalExclusion Record(Guid pupilId, string schoolUrn, InternalExclusionKind kind, DateOnly date, int sessions, string reason,
        bool isSchoolDay, DateTimeOffset now)
    {
        if (!isSchoolDay)
        {
            throw new RequestValidationException([new FieldViolation("internal_exclusion.date", "must be a school day of the pupil's school")]);
        }
        return new InternalExclusion
        {
            Id = Guid.CreateVersion7(now), PupilId = pupilId, SchoolUrn = schoolUrn, Kind = kind, Date = date, Sessions = sessions,
            Reason = reason.Trim(), RecordedAt = now.ToStoredPrecision(),
        };
    }
}
