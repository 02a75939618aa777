extern alias ReportingService;

using System.Diagnostics.Metrics;
using InclusionServices.EventBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ProjectorMetrics = ReportingService::InclusionServices.Reporting.Projections.ProjectorMetrics;

namespace InclusionServices.Tests.Platform;

/// <summary>The signals operators watch on the dashboard: the outbox's health state, event lag, missed deadlines.</summary>
public sealed class OperationalSignalsTests
{
    private static IMeterFactory Meters() => new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    [Theory]
    [InlineData(10, 2, HealthStatus.Healthy)]
    [InlineData(1000, 60, HealthStatus.Healthy)]
    [InlineData(1001, 2, HealthStatus.Degraded)]
    [InlineData(5, 61, HealthStatus.Degraded)]
    public async Task A_large_or_old_outbox_backlog_is_degraded_never_unhealthy(long pending, int oldestSeconds, HealthStatus expected)
    {
        var outbox = new OutboxMetrics(Meters());
        outbox.Observe(pending, TimeSpan.FromSeconds(oldestSeconds));
        var check = new OutboxBacklogHealthCheck(outbox, Options.Create(new EventBusOptions()));
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(expected, result.Status);
        Assert.Equal(pending, result.Data["pending"]);
    }

    [Fact]
    public void Event_lag_is_recorded_in_seconds_for_live_events_and_not_for_a_rebuilds_old_ones()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var meters = Meters();
        var metrics = new ProjectorMetrics(meters, clock);
        var lags = Listen<double>(meters, "inclusion.reporting.event_lag");

        metrics.Applied("inclusion.events.v1.ExclusionChanged", clock.GetUtcNow().AddMilliseconds(-180));
        metrics.Applied("inclusion.events.v1.ExclusionChanged", clock.GetUtcNow().AddDays(-200));

        Assert.Equal([0.18], lags.Select(l => Math.Round(l, 3)));
    }

    [Fact]
    public void A_missed_deadline_is_counted_by_deadline_and_holder()
    {
        var meters = Meters();
        var missed = new List<(long, string)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "inclusion.deadlines.missed" && instrument.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            missed.Add((value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        new DeadlineMetrics(meters).Missed("GoverningBoardMeeting", "School");

        Assert.Contains((1L, "deadline=GoverningBoardMeeting,holder=School"), missed);
    }

    /// <summary>Every measurement of the named instrument made by this factory's meters (not other tests' services).</summary>
    private static List<T> Listen<T>(IMeterFactory meters, string name) where T : struct
    {
        var values = new List<T>();
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == name && instrument.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<T>((_, value, _, _) =>
        {
            lock (values)
            {
                values.Add(value);
            }
        });
        listener.Start();
        return values;
    }
}
