namespace InclusionServices.EventBus;

/// <summary>The "EventBus" configuration section.</summary>
public sealed class EventBusOptions
{
    public const string SectionName = "EventBus";

    /// <summary>How often the dispatcher looks for new events when there was nothing to publish.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Events published per dispatcher transaction.</summary>
    public int BatchSize { get; set; } = 100;
    /// <summary>The first wait after a failed publish; it doubles on each failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long one publish may wait for the broker's confirm.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Waits between a consumer's attempts at one event before it goes to the error queue.</summary>
    public TimeSpan[] RetryIntervals { get; set; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];
    /// <summary>
    /// The outbox backlog at which the service reports Degraded (still serving; the dashboard shows it): more events
    /// waiting than this, or the oldest waiting longer than <see cref="DegradedOldestAge"/>.
    /// </summary>
    public int DegradedBacklog { get; set; } = 1000;
    public TimeSpan DegradedOldestAge { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Run the outbox dispatcher in this process (a replica may leave publishing to others).</summary>
    public bool DispatchEvents { get; set; } = true;
}
