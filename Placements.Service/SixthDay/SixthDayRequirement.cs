using InclusionServices.KnownPupils;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Placements.SixthDay;

public enum SixthDayHolder
{
    LocalAuthority = 1,
    School = 2,
}

/// <summary>
/// The duty to provide suitable full-time education from the sixth school day of an exclusion (Education
/// (Provision of Full-Time Education for Excluded Pupils) (England) Regulations 2007): met by a placement for the
/// pupil starting on or before that day; missed, and reported once, when the day passes without one.
/// </summary>
public sealed class SixthDayRequirement : IBelongsToSchool
{
    private SixthDayRequirement() { }

    public Guid ExclusionId { get; private set; }
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public PupilSnapshot Pupil { get; private set; } = null!;
    public SixthDayHolder Holder { get; private set; }
    /// <summary>The first day the six school days count from (a run of suspensions' first day).</summary>
    public DateOnly CountedFrom { get; private set; }
    public DateOnly Due { get; private set; }
    public Guid? MetByPlacementId { get; private set; }
    public DateTimeOffset? MissedReportedAt { get; private set; }

    public static SixthDayRequirement Owe(Guid exclusionId, PupilSnapshot pupil, SixthDayHolder holder, DateOnly countedFrom, DateOnly due) =>
        new()
        {
            ExclusionId = exclusionId, PupilId = pupil.PupilId, SchoolUrn = pupil.SchoolUrn, Pupil = pupil, Holder = holder,
            CountedFrom = countedFrom, Due = due,
        };

    public bool IsMissedOn(DateOnly today) => MetByPlacementId is null && Due < today;

    /// <summary>Met by a placement that starts on or before the sixth day (and has not ended before it).</summary>
    public bool MetBy(Placements.Placement placement) =>
        MetByPlacementId is null && placement.PupilId == PupilId && placement.CoversDay(Due);

    public void Meet(Guid placementId) => MetByPlacementId = placementId;

    /// <summary>The calendar changed (an INSET day, new term dates): the sixth day moves with it.</summary>
    public void Recount(DateOnly due) => Due = due;
}
