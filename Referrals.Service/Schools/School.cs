using InclusionServices.ServiceDefaults;
namespace InclusionServices.Referrals.Schools;

public enum SchoolPhase
{
    Primary = 1,
    Secondary = 2,
    Special = 3,
    AlternativeProvision = 4,
}

/// <summary>Everything about a school a manager can set, already checked (see SchoolsApi) and normalised.</summary>
public sealed record SchoolDetails(
    string Name,
    SchoolPhase Phase,
    string Postcode,
    string? Laestab = null,
    string? Address = null,
    string? Telephone = null,
    string? HeadTeacher = null,
    string? Sendco = null,
    string? DslName = null,
    string? DslTelephone = null,
    string? DslEmail = null);

/// <summary>A school or setting that refers pupils to the service (the School Details of the referral form).</summary>
public sealed class School
{
    public const int MaxNameLength = 200;
    public const int MaxAddressLength = 500;
    public const int MaxPersonNameLength = 100;

    private School() { }

    public string Urn { get; private set; } = "";
    public string Name { get; private set; } = "";
    public SchoolPhase Phase { get; private set; }
    public string Postcode { get; private set; } = "";
    public string? Laestab { get; private set; }
    public string? Address { get; private set; }
    public string? Telephone { get; private set; }
    public string? HeadTeacher { get; private set; }
    public string? Sendco { get; private set; }
    public string? DslName { get; private set; }
    public string? DslTelephone { get; private set; }
    public string? DslEmail { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>The client's request_id of the create that made this school, so a retried create is answered, not repeated.</summary>
    public uint Version { get; private set; }

    public static School Register(string urn, SchoolDetails details, DateTimeOffset now)
    {
        if (!SchoolIdentifiers.IsUrn(urn))
        {
            throw new ArgumentException("A URN is 6 digits.", nameof(urn));
        }
        var school = new School
        {
            Urn = urn,
            CreatedAt = now.ToStoredPrecision(),
        };
        school.Update(details);
        return school;
    }

    public void Update(SchoolDetails details)
    {
        if (SchoolIdentifiers.NormalisePostcode(details.Postcode) != details.Postcode)
        {
            throw new ArgumentException("The postcode must be a normalised UK postcode.", nameof(details));
        }
        Name = details.Name.Trim();
        Phase = details.Phase;
        Postcode = details.Postcode;
        Laestab = details.Laestab;
        Address = details.Address;
        Telephone = details.Telephone;
        HeadTeacher = details.HeadTeacher;
        Sendco = details.Sendco;
        DslName = details.DslName;
        DslTelephone = details.DslTelephone;
        DslEmail = details.DslEmail;
    }
}
