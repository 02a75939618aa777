namespace InclusionServices.Reporting.Schools;

/// <summary>What Reporting knows of a school: its URN and phase, enough to put its figures in the right column.</summary>
public sealed class ReportingSchool
{
    public string Urn { get; set; } = "";
    public ExclusionPrevention.ReportPhase Phase { get; set; }
    /// <summary>The Referrals sequence number of the event this row last came from.</summary>
    public long SourceSequence { get; set; }
}
