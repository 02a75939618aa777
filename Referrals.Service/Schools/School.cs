namespace InclusionServices.Referrals.Schools;

public enum SchoolPhase
{
    Primary = 1,
    Secondary = 2,
    Special = 3,
    AlternativeProvision = 4,
}

/// <summary>A school or setting that refers pupils to the service.</summary>
public sealed class School
{
    public const int MaxNameLength = 200;

    private School() { }

    public string Urn { get; private set; } = "";
    public string Name { get; private set; } = "";
    public SchoolPhase Phase { get; private set; }
    public string Postcode { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>The client's request_id of the create that made this school, so a retried create is answered, not repeated.</summary>
    public Guid? CreateRequestId { get; private set; }
    public uint Version { get; private set; }

    /// <summary>Registers a school from values already checked by <see cref="SchoolIdentifiers"/>.</summary>
    public static School Register(string urn, string name, SchoolPhase phase, string postcode, Guid? requestId, DateTimeOffset now)
    {
        if (!SchoolIdentifiers.IsUrn(urn))
        {
            throw new ArgumentException("A URN is 6 digits.", nameof(urn));
        }
        if (SchoolIdentifiers.NormalisePostcode(postcode) != postcode)
        {
            throw new ArgumentException("The postcode must be a normalised UK postcode.", nameof(postcode));
        }
        return new School
        {
            Urn = urn,
            Name = name.Trim(),
            Phase = phase,
            Postcode = postcode,
            CreateRequestId = requestId,
            // PostgreSQL keeps microseconds: store what will be read back, so every read agrees with the create.
            CreatedAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)),
        };
    }
}
