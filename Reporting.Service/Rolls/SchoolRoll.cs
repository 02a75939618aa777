namespace InclusionServices.Reporting.Rolls;

/// <summary>Pupils on roll at a school (or, with an empty URN, in the whole local authority) in a school year.</summary>
public sealed class SchoolRoll
{
    public const string LocalAuthority = "";

    public int SchoolYearStart { get; set; }
    public string SchoolUrn { get; set; } = "";
    public int Pupils { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string RecordedBy { get; set; } = "";
    public List<RollGroup> Groups { get; set; } = [];
}

/// <summary>Pupils on the roll in one group of a characteristic, e.g. ("sen_status", "EHC_PLAN").</summary>
public sealed class RollGroup
{
    public int SchoolYearStart { get; set; }
    public string SchoolUrn { get; set; } = "";
    public string Characteristic { get; set; } = "";
    public string GroupValue { get; set; } = "";
    public int Pupils { get; set; }
}
