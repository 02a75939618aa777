using InclusionServices.ServiceDefaults;
namespace InclusionServices.Placements.Providers;

public enum ProviderRegistration
{
    RegisteredSchool = 1,
    Unregistered = 2,
}

/// <summary>An alternative provision provider with a number of places.</summary>
public sealed class Provider
{
    public const int MaxNameLength = 200;
    /// <summary>
    /// An unregistered provider teaching this many pupils full time must register as a school (Education and
    /// Skills Act 2008, as amended), so it cannot offer this many full-time places.
    /// </summary>
    public const int UnregisteredFullTimeLimit = 5;
    public const int MaxCapacity = 1000;

    private Provider() { }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public ProviderRegistration Registration { get; private set; }
    public int Capacity { get; private set; }

    public static string? CapacityProblem(ProviderRegistration registration, int capacity) => capacity switch
    {
        < 1 => "must be at least 1",
        > MaxCapacity => $"must be at most {MaxCapacity}",
        >= UnregisteredFullTimeLimit when registration == ProviderRegistration.Unregistered =>
            $"must be below {UnregisteredFullTimeLimit}: an unregistered provider teaching {UnregisteredFullTimeLimit} or more pupils full time must register as a school",
        _ => null,
    };

    public static Provider Add(string name, ProviderRegistration registration, int capacity)
    {
        if (CapacityProblem(registration, capacity) is { } problem)
        {
            throw new ArgumentException($"Capacity {problem}.", nameof(capacity));
        }
        return new Provider
        {
            Id = Guid.CreateVersion7(),
            Name = name.Trim(),
            Registration = registration,
            Capacity = capacity,
        };
    }
}
