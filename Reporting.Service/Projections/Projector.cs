using System.Diagnostics.Metrics;
using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>
/// Applies one event to the read models, once: the event's producer and sequence number go into applied_events in the
/// same transaction as its effect, so a redelivery, or the same event met again in a replayed history, changes
/// nothing. Every event of every producer is recorded, also those no report needs, so Reporting knows how far it has
/// come through each history and whether any event is missing. The caller owns the transaction.
/// </summary>
public sealed class Projector(ReportingDatabase database, ReportingCalendar calendar, ProjectorMetrics metrics)
{
    /// <summary>
    /// Applies a batch in one go (live events as they arrived, or a stretch of one history in a replay): each event once,
    /// then each producer's position moved once, rather than after every event. Returns how many were new.
    /// </summary>
    public async Task<int> ApplyBatchAsync(IReadOnlyList<IIntegrationEvent> events, CancellationToken cancellationToken)
    {
        var applied = 0;
        foreach (var integrationEvent in events)
        {
            applied += await ApplyOnceAsync(integrationEvent, cancellationToken) ? 1 : 0;
        }
        // Positions in producer order, so two batches moving the same positions lock them in the same order.
        foreach (var producer in events.GroupBy(e => e.Metadata.Producer).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            await MovePositionAsync(producer.Key, producer.Max(e => e.Metadata.Sequence),
                producer.Max(e => e.Metadata.OccurredAt.ToDateTimeOffset()), cancellationToken);
        }
        return applied;
    }

    private async Task<bool> ApplyOnceAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var metadata = integrationEvent.Metadata;
        if (metadata is null || !Guid.TryParse(metadata.EventId, out var eventId) || metadata.Sequence <= 0 || metadata.Producer.Length == 0
            || metadata.OccurredAt is null)
        {
            throw new InvalidOperationException(
                $"{integrationEvent.Descriptor.Name} lacks the event id, producer, sequence number or time Reporting applies events by.");
        }
        var eventType = integrationEvent.Descriptor.FullName;
        var occurredAt = metadata.OccurredAt.ToDateTimeOffset();
        var firstTime = await database.Database.ExecuteSqlAsync($"""
            INSERT INTO applied_events (producer, sequence, event_id, event_type, occurred_at)
            VALUES ({metadata.Producer}, {metadata.Sequence}, {eventId}, {eventType}, {occurredAt})
            ON CONFLICT DO NOTHING
            """, cancellationToken) == 1;
        if (!firstTime)
        {
            return false;
        }

        await (integrationEvent switch
        {
            SchoolRegistered registered => SchoolProjection.ApplyAsync(database, registered.SchoolUrn, registered.Phase, metadata.Sequence, cancellationToken),
            SchoolUpdated updated => SchoolProjection.ApplyAsync(database, updated.SchoolUrn, updated.Phase, metadata.Sequence, cancellationToken),
            MeetingChanged changed => PreventionProjection.ApplyAsync(database, calendar, changed, cancellationToken),
            MeetingFollowedByPermanentExclusion followed => PreventionProjection.ApplyAsync(database, calendar, followed, cancellationToken),
            ExclusionChanged changed => ExclusionProjection.ApplyAsync(database, calendar, changed, cancellationToken),
            InternalExclusionRecorded recorded => ExclusionProjection.ApplyAsync(database, calendar, recorded, cancellationToken),
            DeadlineMissed missed => ExclusionProjection.ApplyAsync(database, missed, cancellationToken),
            SixthDayProvisionArranged arranged => SixthDayProjection.ApplyAsync(database, calendar, arranged, cancellationToken),
            SixthDayProvisionMissed missed => SixthDayProjection.ApplyAsync(database, calendar, missed, cancellationToken),
            ReferralStatusChanged changed => ReferralProjection.ApplyAsync(database, changed, cancellationToken),
            PanelCaseListed listed => PanelProjection.ApplyAsync(database, listed, cancellationToken),
            PanelDecisionMade decided => PanelProjection.ApplyAsync(database, decided, cancellationToken),
            ProviderAdded added => PlacementProjection.ApplyAsync(database, added, cancellationToken),
            ProviderPlacesChanged places => PlacementProjection.ApplyAsync(database, places, cancellationToken),
            PlacementChanged changed => PlacementProjection.ApplyAsync(database, changed, cancellationToken),
            PartTimeTimetableChanged changed => TimetableProjection.ApplyAsync(database, changed, cancellationToken),
            PartTimeTimetableReviewOverdue overdue => TimetableProjection.ApplyAsync(database, overdue, cancellationToken),
            // Calendar changes, panel sittings and overdue meeting actions feed no report: they only move the position.
            _ => Task.CompletedTask,
        });
        metrics.Applied(eventType, occurredAt);
        return true;
    }

    /// <summary>
    /// Last in the transaction, so that concurrent appliers of one producer (a replay beside live events, or another
    /// replica) queue here (a row lock) and each then sees the others' events when it moves the contiguous position on.
    /// </summary>
    private Task MovePositionAsync(string producer, long sequence, DateTimeOffset occurredAt, CancellationToken cancellationToken) =>
        // Both statements in one round trip: the row is locked from the first until the commit, and every live event of
        // the producer waits for it.
        database.Database.ExecuteSqlRawAsync($$"""
            INSERT INTO producer_positions (producer, applied_through, latest_sequence, latest_occurred_at)
            VALUES ({0}, 0, {1}, {2})
            ON CONFLICT (producer) DO UPDATE SET
                latest_sequence = GREATEST(producer_positions.latest_sequence, excluded.latest_sequence),
                latest_occurred_at = GREATEST(producer_positions.latest_occurred_at, excluded.latest_occurred_at);
            UPDATE producer_positions SET applied_through = {{ProducerPositions.ContiguousThroughSql}} WHERE producer = {0}
            """, [producer, sequence, occurredAt], cancellationToken);
}

/// <summary>How far through each producer's history Reporting has come.</summary>
public static class ProducerPositions
{
    /// <summary>
    /// SQL, evaluated on a producer_positions row: the end of the unbroken run of applied events that follows
    /// applied_through (or applied_through itself when the next event is still missing). Written as index probes
    /// (scalar subqueries with LIMIT, walked in sequence order) so it reads from the stored position onwards only and
    /// stays cheap however long the history; an EXISTS here may be planned as a hash of the whole table.
    /// </summary>
    public const string ContiguousThroughSql = """
        COALESCE((SELECT a.sequence FROM applied_events a
                  WHERE a.producer = producer_positions.producer AND a.sequence > producer_positions.applied_through
                    AND (SELECT 1 FROM applied_events b WHERE b.producer = a.producer AND b.sequence = a.sequence + 1 LIMIT 1) IS NULL
                    AND (SELECT 1 FROM applied_events n WHERE n.producer = producer_positions.producer
                                                          AND n.sequence = producer_positions.applied_through + 1 LIMIT 1) IS NOT NULL
                  ORDER BY a.sequence LIMIT 1),
                 producer_positions.applied_through)
        """;
}

/// <summary>Events applied to the read models, by type, and how long after they happened, on the dashboard.</summary>
public sealed class ProjectorMetrics
{
    public const string MeterName = Telemetry.SourcePrefix + "Reporting";
    private readonly Counter<long> _applied;
    private readonly Histogram<double> _lag;
    private readonly Histogram<int> _batch;
    private readonly TimeProvider _time;

    public ProjectorMetrics(IMeterFactory meters, TimeProvider time)
    {
        var meter = meters.Create(MeterName);
        _applied = meter.CreateCounter<long>("inclusion.reporting.events_applied", "{event}", "Events applied to Reporting's read models");
        _lag = meter.CreateHistogram<double>("inclusion.reporting.event_lag", "s",
            "From an event's commit in its service to its effect in Reporting's read models",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
        _batch = meter.CreateHistogram<int>("inclusion.reporting.live_batch_size", "{event}",
            "Live events taken together into one transaction",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200] });
        _time = time;
    }

    public void TakenTogether(int events) => _batch.Record(events);

    public void Applied(string eventType, DateTimeOffset occurredAt)
    {
        var type = new KeyValuePair<string, object?>("event_type", eventType);
        _applied.Add(1, type);
        // A rebuild replays old events: their age is not lag, so only events from the last day are timed.
        var lag = _time.GetUtcNow() - occurredAt;
        if (lag < TimeSpan.FromDays(1))
        {
            _lag.Record(Math.Max(0, lag.TotalSeconds), type);
        }
    }
}
