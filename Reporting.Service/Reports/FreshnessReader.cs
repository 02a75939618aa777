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
        // The stored position may trail by the last few events applied side by side: work it out afresh from there.
        var positions = await database.ProducerPositions
            .FromSqlRaw($"SELECT producer, {ProducerPositions.ContiguousThroughSql} AS applied_through, latest_sequence, latest_occurred_at FROM producer_positions")
            .AsNoTracking()
            .ToDictionaryAsync(p => p.Producer, cancellationToken);
        var freshness = new Freshness
        {
            Rebuilding = await database.Rebuilds.AnyAsync(r => r.State == Rebuilds.RebuildState.Running, cancellationToken),
        };
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
            if (position is not null)
            {
                message.LatestOccurredAt = Timestamp.FromDateTimeOffset(position.LatestOccurredAt);
            }
            freshness.Producers.Add(message);
        }
        freshness.Behind = freshness.Producers.Any(p => p.Behind);
        return freshness;
    }
}
