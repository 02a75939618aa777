namespace InclusionServices.Reporting.ExclusionPrevention;

/// <summary>Secondary and special schools are reported together, as the team's own chart does.</summary>
public enum ReportPhase
{
    Primary = 1,
    SecondaryAndSpecial = 2,
}

/// <summary>
/// What followed one Exclusion Prevention Meeting: whether the pupil was later permanently excluded.
/// Identifiers only: no pupil's name or contact details ever reach Reporting.
/// </summary>
public sealed class MeetingOutcome
{
    public Guid MeetingId { get; set; }
    public ReportPhase Phase { get; set; }
    /// <summary>The calendar year the school year starts in: 2019 for 2019/20.</summary>
    public int SchoolYearStart { get; set; }
    public bool FollowedByPermanentExclusion { get; set; }
}

/// <summary>Meetings and the permanent exclusions that followed, per phase, for one school year.</summary>
public sealed record ExclusionPreventionFigures(ReportPhase Phase, int Meetings, int PermanentExclusionsAfter)
{
    public static IReadOnlyList<ExclusionPreventionFigures> Summarise(IEnumerable<MeetingOutcome> outcomes)
    {
        var byPhase = outcomes.ToLookup(o => o.Phase);
        return Enum.GetValues<ReportPhase>()
            .Select(phase => new ExclusionPreventionFigures(
                phase, byPhase[phase].Count(), byPhase[phase].Count(o => o.FollowedByPermanentExclusion)))
            .ToList();
    }
}
