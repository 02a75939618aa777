extern alias ReportingService;

using Google.Protobuf.WellKnownTypes;
using Inclusion.Events.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using LiveEvents = ReportingService::InclusionServices.Reporting.Projections.LiveEvents;

namespace InclusionServices.Tests.Reporting;

/// <summary>Live events applied in batches, on Reporting's real database.</summary>
public sealed class LiveEventsTests(ReportingUnderTest reporting) : IClassFixture<ReportingUnderTest>
{
    private static SchoolRegistered School(string producer, long sequence, string urn) => new()
    {
        Metadata = new EventMetadata
        {
            EventId = Guid.NewGuid().ToString(),
            Producer = producer,
            Sequence = sequence,
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        },
        SchoolUrn = urn,
        Phase = SchoolPhase.Secondary,
    };

    [Fact]
    public async Task Events_delivered_together_are_each_applied_once_and_a_bad_one_fails_alone()
    {
        var liveEvents = reporting.Services.GetRequiredService<LiveEvents>();
        var batches = new System.Collections.Concurrent.ConcurrentBag<int>();
        // This Reporting's own meters only: other tests' services run in the same process.
        var meters = reporting.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (instrument.Name == "inclusion.reporting.live_batch_size" && instrument.Meter.Scope == meters)
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, events, _, _) => batches.Add(events));
        listener.Start();
        var producer = $"live-{Guid.NewGuid():N}"[..24];
        var firstUrn = Random.Shared.Next(100, 900) * 1000;
        var schools = Enumerable.Range(1, 60).Select(i => School(producer, i, (firstUrn + i).ToString("D6"))).ToList();
        var bad = School(producer, sequence: 0, (firstUrn + 999).ToString("D6"));
        // Handed over together, as a broker delivering many at once would: the first ten twice, and one that lacks its sequence.
        var deliveries = schools.Concat(schools.Take(10)).Append(bad)
            .Select(e => liveEvents.ApplyAsync(e, CancellationToken.None)).ToList();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => deliveries[^1]);
        Assert.Contains("sequence number", refused.Message);
        await Task.WhenAll(deliveries.SkipLast(1));

        var (applied, registered, position) = await reporting.WithDatabase(async db => (
            await db.AppliedEvents.CountAsync(a => a.Producer == producer),
            await db.Schools.CountAsync(s => s.Urn.CompareTo(firstUrn.ToString("D6")) > 0 && s.Urn.CompareTo((firstUrn + 999).ToString("D6")) <= 0),
            await db.ProducerPositions.SingleAsync(p => p.Producer == producer)));
        Assert.Equal(60, applied);
        Assert.Equal(60, registered);
        Assert.Equal(60, position.AppliedThrough);
        Assert.Equal(60, position.LatestSequence);
        // Handed over faster than a transaction commits, they were applied several at a time.
        Assert.Contains(batches, events => events > 1);
    }
}
