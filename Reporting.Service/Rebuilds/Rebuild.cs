namespace InclusionServices.Reporting.Rebuilds;

public enum RebuildState
{
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>One rebuild of the read models from the producers' histories, and how far it got.</summary>
public sealed class Rebuild
{
    public Guid Id { get; set; }
    public RebuildState State { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Events replayed so far, by producer.</summary>
    public Dictionary<string, long> Replayed { get; set; } = [];
    public string? Error { get; set; }
}
