using System.Diagnostics.Metrics;
using InclusionServices.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace InclusionServices.EventBus;

/// <summary>
/// Degraded, not Unhealthy, while the outbox backlog is large: the service still takes calls and keeps every event,
/// but Reporting and other consumers fall behind. The dashboard shows the state; the outbox metrics show how far.
/// </summary>
public sealed class OutboxBacklogHealthCheck(OutboxMetrics outbox, IOptions<EventBusOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limits = options.Value;
        var (pending, oldest) = (outbox.Pending, outbox.OldestPending);
        var data = new Dictionary<string, object> { ["pending"] = pending, ["oldest_pending_seconds"] = Math.Round(oldest.TotalSeconds, 1) };
        return Task.FromResult(pending > limits.DegradedBacklog || oldest > limits.DegradedOldestAge
            ? HealthCheckResult.Degraded($"{pending} events wait to be published, the oldest for {oldest.TotalSeconds:0} s: consumers are behind.", data: data)
            : HealthCheckResult.Healthy($"{pending} events wait to be published.", data));
    }
}

/// <summary>Statutory deadlines that passed unmet, as the watchers notice them, by deadline and who held it.</summary>
public sealed class DeadlineMetrics
{
    public const string MeterName = Telemetry.SourcePrefix + "Deadlines";
    private readonly Counter<long> _missed;

    public DeadlineMetrics(IMeterFactory meters) =>
        _missed = meters.Create(MeterName).CreateCounter<long>("inclusion.deadlines.missed", "{deadline}",
            "Statutory deadlines that passed without what they require being recorded");

    public void Missed(string deadline, string holder) =>
        _missed.Add(1, new KeyValuePair<string, object?>("deadline", deadline), new KeyValuePair<string, object?>("holder", holder));
}
