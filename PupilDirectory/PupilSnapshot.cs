using Inclusion.Events.V1;

namespace InclusionServices.KnownPupils;

/// <summary>
/// What Meetings knows of a pupil, as Referrals gave it when the meeting or case was made: identifiers and the
/// attributes reports count by. Never a name, date of birth, address or contact.
/// </summary>
/// <param name="LookedAfter">Whether the child is looked after: some duties (unregistered provision) depend on it. Not in events.</param>
public sealed record PupilSnapshot(Guid PupilId, string SchoolUrn, SchoolPhase Phase, int YearGroup, SenStatus SenStatus,
    bool FreeSchoolMeals, string Sex, string EthnicityCode, bool LookedAfter = false)
{
    public string Name => "pupils/" + PupilId;

    /// <summary>Primary schools go to the primary panel; secondary, special and alternative provision to the secondary.</summary>
    public bool IsPrimary => Phase == SchoolPhase.Primary;

    public PupilReportAttributes ToEvent() => new()
    {
        Pupil = Name,
        SchoolUrn = SchoolUrn,
        Phase = Phase,
        YearGroup = YearGroup,
        SenStatus = SenStatus,
        FreeSchoolMeals = FreeSchoolMeals,
        Sex = Sex,
        EthnicityCode = EthnicityCode,
    };

    public static PupilSnapshot From(PupilReportAttributes attributes) => new(
        Guid.Parse(attributes.Pupil.AsSpan("pupils/".Length)), attributes.SchoolUrn, attributes.Phase, attributes.YearGroup,
        attributes.SenStatus, attributes.FreeSchoolMeals, attributes.Sex, attributes.EthnicityCode);

    internal static PupilSnapshot From(Inclusion.Referrals.V1.PupilAttributes attributes) => new(
        Guid.Parse(attributes.Pupil.AsSpan("pupils/".Length)), attributes.SchoolUrn, (SchoolPhase)attributes.Phase, attributes.YearGroup,
        (SenStatus)attributes.SenStatus, attributes.FreeSchoolMeals, attributes.Sex, attributes.EthnicityCode, attributes.LookedAfter);
}
