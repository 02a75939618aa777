using Google.Protobuf.WellKnownTypes;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.Projections;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Reports;

/// <summary>How current the read models are: for each producer, the latest event applied and whether any before it is missing.</summary>
public static class FreshnessReader
{
    /// <summary>The services whose events Reporting reads (Reporting publishes none).</summary>
    public static readonly IReadOnlyList<string> Producers = ["referrals", "meetings", "placements"];

    public static async Task<Freshness> ReadAsync(ReportingDatabase database, CancellationToken cancellationToken)
    {
        // One read: each producer's position (the stored one may trail by the last few events applied side by side, so
        // it is worked out afresh from there) and whether a rebuild is under way.
        var rows = await database.Database.SqlQueryRaw<PositionRow>($"""
            SELECT producer, {ProducerPositions.ContiguousThroughSql} AS applied_through, latest_sequence, latest_occurred_at,
                   EXISTS (SELECT 1 FROM rebuilds WHERE state = 'Running') AS rebuilding
            FROM producer_positions
            UNION ALL
            SELECT '', 0, 0, NULL, EXISTS (SELECT 1 FROM rebuilds WHERE state = 'Running')
            """).ToListAsync(cancellationToken);
        var positions = rows.Where(r => r.Producer.Length > 0).ToDictionary(r => r.Producer);
        var freshness = new Freshness { Rebuilding = rows.Any(r => r.Rebuilding) };
        foreach (var producer in Producers)
        {
            var position = positions.GetValueOrDefault(producer);
            var message = new ProducerPosition
            {
                Producer = producer,
                LatestSequence = position?.LatestSequence ?? 0,
                AppliedThrough = position?.AppliedThrough ?? 0,
                Behind = position is not null && position.AppliedThrough < position.LatestSequence,
            };
            if (position?.LatestOccurredAt is { } latest)
            {
                message.LatestOccurredAt = Timestamp.FromDateTimeOffset(latest);
            }
            freshness.Producers.Add(message);
        }
        freshness.Behind = freshness.Producers.Any(p => p.Behind);
        return freshness;
    }

    private sealed record PositionRow(string Producer, long AppliedThrough, long LatestSequence, DateTimeOffset? LatestOccurredAt, bool Rebuilding);
}
