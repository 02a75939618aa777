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
    public async Task<bool> ApplyAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var metadata = integrationEvent.Metadata;
        if (metadata is null || !Guid.TryParse(metadata.EventId, out var eventId) || metadata.Sequence <= 0 || metadata.Producer.Length == 0)
        {
            throw new InvalidOperationException(
                $"{integrationEvent.Descriptor.Name} lacks the event id, producer or sequence number Reporting applies events by.");
        }
        var eventType = integrationEvent.Descriptor.FullName;
        var occurredAt = metadata.OccurredAt?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch;
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

        // Last, so that concurrent appliers of one producer queue here (a row lock) and each then sees the others'
        // events when it moves the contiguous position on.
        await database.Database.ExecuteSqlAsync($"""
            INSERT INTO producer_positions (producer, applied_through, latest_sequence, latest_occurred_at)
            VALUES ({metadata.Producer}, 0, {metadata.Sequence}, {occurredAt})
            ON CONFLICT (producer) DO UPDATE SET
                latest_sequence = GREATEST(producer_positions.latest_sequence, excluded.latest_sequence),
                latest_occurred_at = GREATEST(producer_positions.latest_occurred_at, excluded.latest_occurred_at)
            """, cancellationToken);
        await database.Database.ExecuteSqlRawAsync(
            $"UPDATE producer_positions SET applied_through = {ProducerPositions.ContiguousThroughSql} WHERE producer = {{0}}",
            [metadata.Producer], cancellationToken);
        metrics.Applied(eventType);
        return true;
    }
}

/// <summary>How far through each producer's history Reporting has come.</summary>
public static class ProducerPositions
{
    /// <summary>
    /// SQL, evaluated on a producer_positions row: the end of the unbroken run of applied events that follows
    /// applied_through (or applied_through itself when the next event is still missing). Reads from the stored
    /// position onwards only, so it stays cheap however long the history.
    /// </summary>
    public const string ContiguousThroughSql = """
        CASE WHEN EXISTS (SELECT 1 FROM applied_events n WHERE n.producer = producer_positions.producer
                                                           AND n.sequence = producer_positions.applied_through + 1)
             THEN (SELECT min(a.sequence) FROM applied_events a
                   WHERE a.producer = producer_positions.producer AND a.sequence > producer_positions.applied_through
                     AND NOT EXISTS (SELECT 1 FROM applied_events b WHERE b.producer = a.producer AND b.sequence = a.sequence + 1))
             ELSE producer_positions.applied_through END
        """;
}

/// <summary>Events applied to the read models, by type, on the dashboard.</summary>
public sealed class ProjectorMetrics
{
    public const string MeterName = Telemetry.SourcePrefix + "Reporting";
    private readonly Counter<long> _applied;

    public ProjectorMetrics(IMeterFactory meters) =>
        _applied = meters.Create(MeterName).CreateCounter<long>("inclusion.reporting.events_applied", "{event}",
            "Events applied to Reporting's read models");

    internal void Applied(string eventType) => _applied.Add(1, new KeyValuePair<string, object?>("event_type", eventType));
}
