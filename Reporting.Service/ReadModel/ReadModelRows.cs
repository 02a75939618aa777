namespace InclusionServices.Reporting.ReadModel;

// Reporting's read models: rows written only by the projections (from events), shaped so each report is a cheap
// query. Identifiers and counting attributes only: no name or contact detail of a pupil ever reaches Reporting.

/// <summary>Secondary and special schools (and alternative provision) are reported together, as the team's chart does.</summary>
public enum ReportPhase
{
    Primary = 1,
    SecondaryAndSpecial = 2,
}

public enum ReportTerm
{
    Autumn = 1,
    Spring = 2,
    Summer = 3,
}

public enum ExclusionKind
{
    Suspension = 1,
    LunchtimeSuspension = 2,
    PermanentExclusion = 3,
}

/// <summary>A fact about one record, counted under the school (and its phase group) the record belongs to.</summary>
public interface IPlacedFact
{
    string? SchoolUrn { get; }
    ReportPhase? PhaseGroup { get; }
}

/// <summary>An event a projection has applied: its producer and sequence number make it unique, so a repeat changes nothing.</summary>
public sealed class AppliedEvent
{
    public string Producer { get; set; } = "";
    public long Sequence { get; set; }
    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>When it was applied (the database's clock at the insert): with OccurredAt, how far behind reports ran.</summary>
    public DateTimeOffset AppliedAt { get; set; }
}

/// <summary>How far Reporting has come through a producer's history.</summary>
public sealed class ProducerPosition
{
    public string Producer { get; set; } = "";
    /// <summary>Every event up to here has been applied: a lower bound, moved on when the gap after it closes.</summary>
    public long AppliedThrough { get; set; }
    public long LatestSequence { get; set; }
    public DateTimeOffset LatestOccurredAt { get; set; }
}

/// <summary>What Reporting knows of a school: its URN and report phase, to put its figures in the right column.</summary>
public sealed class ReportingSchool
{
    public string Urn { get; set; } = "";
    public ReportPhase Phase { get; set; }
    /// <summary>The Referrals sequence number of the event this row last came from.</summary>
    public long SourceSequence { get; set; }
}

/// <summary>One Exclusion Prevention Meeting: counted once held, and as followed once Meetings says a permanent exclusion followed.</summary>
public sealed class PreventionMeeting
{
    public Guid MeetingId { get; set; }
    public bool Held { get; set; }
    public bool Followed { get; set; }
    public int SchoolYearStart { get; set; }
    public ReportTerm Term { get; set; }
    public string SchoolUrn { get; set; } = "";
    public ReportPhase PhaseGroup { get; set; }
}

/// <summary>Held meetings and those followed by a permanent exclusion, per school year, school and term.</summary>
public sealed class PreventionCount
{
    public int SchoolYearStart { get; set; }
    public string SchoolUrn { get; set; } = "";
    public ReportPhase PhaseGroup { get; set; }
    public ReportTerm Term { get; set; }
    public int Meetings { get; set; }
    public int Followed { get; set; }
}

/// <summary>
/// One suspension or permanent exclusion, with its review steps. A row can exist before the exclusion's own
/// event arrives (a later step came first); it counts only once <see cref="Recorded"/>.
/// </summary>
public sealed class ExclusionFact : IPlacedFact
{
    public Guid ExclusionId { get; set; }
    public bool Recorded { get; set; }
    public ExclusionKind? Kind { get; set; }
    public Guid? PupilId { get; set; }
    public string? SchoolUrn { get; set; }
    public ReportPhase? PhaseGroup { get; set; }
    public int? SchoolYearStart { get; set; }
    public ReportTerm? Term { get; set; }
    public DateOnly? StartDate { get; set; }
    public int Sessions { get; set; }
    public bool BoardDecided { get; set; }
    public bool BoardMissed { get; set; }
    public DateOnly? BoardDue { get; set; }
    public string? BoardHolder { get; set; }
    public bool IrpRequested { get; set; }
    public bool IrpDecided { get; set; }
    public bool IrpMissed { get; set; }
    public DateOnly? IrpDue { get; set; }
    public string? IrpHolder { get; set; }
    /// <summary>Withdrawn by the head teacher: counted nowhere (its counts are taken back) and owing nothing.</summary>
    public bool Withdrawn { get; set; }
    /// <summary>The exclusion_counts keys it was added to when recorded (by school and for all schools), so a withdrawal takes back exactly those.</summary>
    public string[]? CountedUrns { get; set; }
    public string[]? CountedDimensions { get; set; }
    public string[]? CountedGroups { get; set; }
}

/// <summary>
/// Exclusions counted by one attribute (a dimension: "total", "reason", "year_group", "sen_status",
/// "free_school_meals", "sex", "ethnicity"), per school year, school, phase group, term and kind. Each exclusion is
/// counted twice: under its school, and under "" (all schools), so a report for the whole authority reads a few
/// hundred rows however many exclusions there are.
/// </summary>
public sealed class ExclusionCount
{
    public const string AllSchools = "";

    public int SchoolYearStart { get; set; }
    public string SchoolUrn { get; set; } = "";
    public ReportPhase PhaseGroup { get; set; }
    public ReportTerm Term { get; set; }
    public ExclusionKind Kind { get; set; }
    public string Dimension { get; set; } = "";
    public string GroupValue { get; set; } = "";
    public int Exclusions { get; set; }
}

/// <summary>
/// Internal exclusions (removal from the classroom, isolation, off-site direction, sent home) counted by school year,
/// school ("" for all schools), phase group, term and kind: how many and how many sessions. Apart from exclusion_counts,
/// so they never mix with census figures.
/// </summary>
public sealed class InternalExclusionCount
{
    public int SchoolYearStart { get; set; }
    public string SchoolUrn { get; set; } = "";
    public ReportPhase PhaseGroup { get; set; }
    public ReportTerm Term { get; set; }
    public string Kind { get; set; } = "";
    public int Records { get; set; }
    public int Sessions { get; set; }
}

/// <summary>The sixth-day duty of one exclusion: owed (Referrals), arranged or missed (Placements), in any order.</summary>
public sealed class SixthDayDuty : IPlacedFact
{
    public Guid ExclusionId { get; set; }
    public bool Owed { get; set; }
    public DateOnly? Due { get; set; }
    public int? SchoolYearStart { get; set; }
    public ReportTerm? Term { get; set; }
    public string? Holder { get; set; }
    public bool Arranged { get; set; }
    public bool Missed { get; set; }
    public string? SchoolUrn { get; set; }
    public ReportPhase? PhaseGroup { get; set; }
}

/// <summary>One referral's way through the team: when it came, was decided, who holds it, first contact.</summary>
public sealed class ReferralFact : IPlacedFact
{
    public Guid ReferralId { get; set; }
    public string? SchoolUrn { get; set; }
    public ReportPhase? PhaseGroup { get; set; }
    public DateOnly? SubmittedOn { get; set; }
    public DateOnly? AcceptedOn { get; set; }
    public DateOnly? DeclinedOn { get; set; }
    public string? Officer { get; set; }
    /// <summary>The sequence number of the allocation the officer came from: a later reallocation wins.</summary>
    public long OfficerSequence { get; set; }
    public long? SecondsToFirstContact { get; set; }
    public bool Closed { get; set; }
}

/// <summary>One case put to the ISAP panel and its decision.</summary>
public sealed class PanelCaseFact : IPlacedFact
{
    public Guid PanelCaseId { get; set; }
    public string? SchoolUrn { get; set; }
    public ReportPhase? PhaseGroup { get; set; }
    public DateOnly? ListedFor { get; set; }
    public string? Decision { get; set; }
    public DateOnly? DecidedOn { get; set; }
}

/// <summary>A provider's places as Placements last reported them.</summary>
public sealed class ProviderPlaces
{
    public Guid ProviderId { get; set; }
    public string DisplayName { get; set; } = "";
    public bool RegisteredSchool { get; set; }
    public int Capacity { get; set; }
    public int Occupied { get; set; }
    public long SourceSequence { get; set; }
}

/// <summary>One placement: its kind, when it started and ended, and how it ended.</summary>
public sealed class PlacementFact : IPlacedFact
{
    public Guid PlacementId { get; set; }
    public string? Kind { get; set; }
    public string? SchoolUrn { get; set; }
    public ReportPhase? PhaseGroup { get; set; }
    public DateOnly? StartedOn { get; set; }
    public DateOnly? EndedOn { get; set; }
    public string? Outcome { get; set; }
}

/// <summary>One pupil's part-time timetable: whether it has ended and when it was last reviewed.</summary>
public sealed class PartTimeTimetableFact : IPlacedFact
{
    public Guid TimetableId { get; set; }
    public Guid? PupilId { get; set; }
    public string? SchoolUrn { get; set; }
    public ReportPhase? PhaseGroup { get; set; }
    public bool Ended { get; set; }
    public DateOnly? LastReviewedOn { get; set; }
}

/// <summary>A review date of a part-time timetable that passed without a review (once per date).</summary>
public sealed class OverdueTimetableReview
{
    public Guid TimetableId { get; set; }
    public DateOnly ReviewDue { get; set; }
}
