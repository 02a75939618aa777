using InclusionServices.ServiceDefaults;

namespace InclusionServices.Placements.Providers;

public enum ProviderRegistration
{
    RegisteredSchool = 1,
    Unregistered = 2,
}

public enum ProviderPhase
{
    Primary = 1,
    Secondary = 2,
}

/// <summary>Everything about a provider a manager sets, already checked for form.</summary>
public sealed record ProviderDetails(string Name, ProviderRegistration Registration, int Capacity, string? Urn, IReadOnlyList<ProviderPhase> Phases,
    int? YoungestAge, int? OldestAge, string? ContactName, string? ContactTelephone, string? ContactEmail, DateOnly? LastQualityAssuranceVisit);

/// <summary>An alternative provision provider, or a school that takes placements, with a number of places.</summary>
public sealed class Provider
{
    public const int MaxNameLength = 200;
    /// <summary>
    /// An unregistered provider teaching this many pupils full time (or one looked-after or EHC-plan pupil) must
    /// register as a school (Education and Skills Act 2008 s92, as amended by the Education Act 2011).
    /// </summary>
    public const int UnregisteredFullTimeLimit = 5;
    public const int MaxCapacity = 1000;

    private Provider() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public ProviderRegistration Registration { get; private set; }
    public int Capacity { get; private set; }
    public string? Urn { get; private set; }
    public List<ProviderPhase> Phases { get; private set; } = [];
    public int? YoungestAge { get; private set; }
    public int? OldestAge { get; private set; }
    public string? ContactName { get; private set; }
    public string? ContactTelephone { get; private set; }
    public string? ContactEmail { get; private set; }
    public DateOnly? LastQualityAssuranceVisit { get; private set; }
    public uint Version { get; private set; }

    public static string? CapacityProblem(int capacity) => capacity switch
    {
        < 1 => "must be at least 1",
        > MaxCapacity => $"must be at most {MaxCapacity}",
        _ => null,
    };

    public static Provider Add(ProviderDetails details)
    {
        var provider = new Provider { Id = Guid.CreateVersion7() };
        provider.Change(details);
        return provider;
    }

    public void Change(ProviderDetails details)
    {
        if (CapacityProblem(details.Capacity) is { } problem)
        {
            throw new RequestValidationException([new FieldViolation("provider.capacity", problem)]);
        }
        Name = details.Name.Trim();
        Registration = details.Registration;
        Capacity = details.Capacity;
        Urn = details.Urn;
        Phases = [.. details.Phases.Distinct()];
        YoungestAge = details.YoungestAge;
        OldestAge = details.OldestAge;
        ContactName = details.ContactName;
        ContactTelephone = details.ContactTelephone;
        ContactEmail = details.ContactEmail;
        LastQualityAssuranceVisit = details.LastQualityAssuranceVisit;
    }
}
