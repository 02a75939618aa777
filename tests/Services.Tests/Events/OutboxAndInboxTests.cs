using Google.Protobuf.WellKnownTypes;
using Inclusion.Events.V1;
using InclusionServices.EventBus;
using Microsoft.EntityFrameworkCore;
using RabbitMQ.Client;

namespace InclusionServices.Tests.Events;

/// <summary>The outbox dispatcher and idempotent consumers on the real broker and the real database.</summary>
public sealed class OutboxAndInboxTests
{
    private const string ProviderAddedExchange = "inclusion.events.v1.ProviderAdded";
    // "<service>-<consumer>" in kebab case, without the "Consumer" suffix.
    private const string ConsumerQueue = TallyBench.QueuePrefix + "-tally";

    private static ProviderAdded Provider(int capacity) => new()
    {
        Metadata = new EventMetadata
        {
            EventId = Guid.NewGuid().ToString(),
            Producer = "placements",
            Sequence = 1,
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        },
        Provider = $"providers/{Guid.NewGuid()}",
        Capacity = capacity,
    };

    /// <summary>Records <paramref name="transactions"/> × <paramref name="each"/> provider events in the bench's outbox.</summary>
    private static async Task RecordProvidersAsync(TallyBench bench, int transactions, int each)
    {
        for (var transaction = 0; transaction < transactions; transaction++)
        {
            await bench.WithDatabase(async db =>
            {
                for (var i = 0; i < each; i++)
                {
                    db.RecordEvent(Provider(capacity: 2), $"providers/{transaction}-{i}", DateTimeOffset.UtcNow);
                }
                return await db.SaveChangesAsync();
            });
        }
    }

    [Fact]
    public async Task An_event_delivered_three_times_is_applied_once()
    {
        var broker = await TestServers.NewVirtualHostAsync("inbox");
        await using var bench = await TallyBench.StartAsync(TestServers.NewDatabase("inbox"), broker, dispatch: false);
        await using var plain = await PlainRabbitMq.ConnectAsync(broker);
        var added = Provider(capacity: 3);
        var eventId = Guid.Parse(added.Metadata.EventId);

        for (var delivery = 0; delivery < 3; delivery++)
        {
            await plain.PublishJsonAsync(ProviderAddedExchange, EventJson.Formatter.Format(added), added.Metadata.EventId);
        }

        await Eventually.HoldsAsync(() => Task.FromResult(bench.Deliveries.Handled == 3), "all three deliveries were handled");
        var tally = await bench.WithDatabase(db => db.Tallies.SingleAsync(t => t.EventId == eventId));
        Assert.Equal(1, tally.Times);
        Assert.Equal(1, await bench.WithDatabase(db => db.InboxEntries.CountAsync(e => e.EventId == eventId)));
    }

    [Fact]
    public async Task A_consumer_that_fails_one_event_lets_the_others_through_and_that_one_lands_in_the_error_queue()
    {
        var broker = await TestServers.NewVirtualHostAsync("poison");
        await using var bench = await TallyBench.StartAsync(TestServers.NewDatabase("poison"), broker, dispatch: false);
        await using var plain = await PlainRabbitMq.ConnectAsync(broker);
        var good = Enumerable.Range(1, 4).Select(Provider).ToList();
        var poison = Provider(TallyConsumer.PoisonCapacity);

        foreach (var added in good.Take(2).Append(poison).Concat(good.Skip(2)))
        {
            await plain.PublishJsonAsync(ProviderAddedExchange, EventJson.Formatter.Format(added), added.Metadata.EventId);
        }

        await Eventually.HoldsAsync(async () => await plain.QueueLengthAsync(ConsumerQueue + "_error") == 1,
            "the refused event reached the error queue");
        var applied = await bench.WithDatabase(db => db.Tallies.Select(t => t.EventId).ToListAsync());
        Assert.Equal(good.Select(g => Guid.Parse(g.Metadata.EventId)).Order(), applied.Order());

        var dead = await plain.Channel.BasicGetAsync(ConsumerQueue + "_error", autoAck: true);
        Assert.NotNull(dead);
        Assert.Equal(poison.Metadata.EventId, dead.BasicProperties.MessageId);
        var reason = System.Text.Encoding.UTF8.GetString((byte[])dead.BasicProperties.Headers!["MT-Fault-Message"]!);
        Assert.Contains("refuses a provider with 13 places", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_replicas_publish_a_thousand_events_each_exactly_once_in_order_and_share_consuming_them()
    {
        var broker = await TestServers.NewVirtualHostAsync("replicas");
        var database = TestServers.NewDatabase("replicas");
        await using var plain = await PlainRabbitMq.ConnectAsync(broker);
        var counted = await plain.BindQueueAsync(ProviderAddedExchange);
        await using var first = await TallyBench.StartAsync(database, broker);
        await using var second = await TallyBench.StartAsync(database, broker);

        await RecordProvidersAsync(first, transactions: 10, each: 100);

        var received = new List<BasicGetResult>();
        await Eventually.HoldsAsync(async () =>
        {
            received.AddRange(await plain.DrainAsync(counted));
            return received.Count >= 1000 && await first.WithDatabase(db => db.OutboxEvents.AllAsync(e => e.PublishedAt != null));
        }, "all 1,000 events were published");
        await Task.Delay(500);
        received.AddRange(await plain.DrainAsync(counted));

        Assert.Equal(1000, received.Count);
        Assert.Equal(1000, received.Select(m => m.BasicProperties.MessageId).Distinct().Count());
        var sequences = received.Select(m => (long)m.BasicProperties.Headers![EventHeaders.Sequence]!).ToList();
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), sequences);

        // Both replicas also consume from the one queue: each takes a share, and every event is applied once.
        await Eventually.HoldsAsync(async () => await first.WithDatabase(db => db.Tallies.CountAsync()) == 1000,
            "all 1,000 events were applied");
        Assert.All(await first.WithDatabase(db => db.Tallies.ToListAsync()), tally => Assert.Equal(1, tally.Times));
        Assert.True(first.Deliveries.Handled > 0 && second.Deliveries.Handled > 0,
            $"deliveries handled: {first.Deliveries.Handled} and {second.Deliveries.Handled}");
    }

    [Fact]
    public async Task A_broker_lost_in_the_middle_of_publishing_gets_every_event_first_in_sequence_order()
    {
        var broker = new Uri(await TestServers.NewVirtualHostAsync("lost-mid-batch"));
        await using var plain = await PlainRabbitMq.ConnectAsync(broker.ToString());
        var counted = await plain.BindQueueAsync(ProviderAddedExchange);
        await using var relay = new TcpRelay(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, broker.Port));
        relay.Start();
        // The dispatcher reaches the broker only through the relay; the test reads the queue directly.
        await using var bench = await TallyBench.StartAsync(TestServers.NewDatabase("lost-mid-batch"),
            new UriBuilder(broker) { Port = relay.Port }.Uri.ToString(), consume: false);
        const int events = 4000;
        await RecordProvidersAsync(bench, transactions: events / 500, each: 500);

        // Cut while batches are on the wire, then let the broker back after a moment.
        await Eventually.HoldsAsync(async () => await plain.QueueLengthAsync(counted) >= 300, "publishing has begun", seconds: 30);
        relay.Cut();
        var reachedBeforeCut = await plain.QueueLengthAsync(counted);
        await Task.Delay(TimeSpan.FromSeconds(2));
        relay.Start();

        var received = new List<BasicGetResult>();
        await Eventually.HoldsAsync(async () =>
        {
            received.AddRange(await plain.DrainAsync(counted));
            return await bench.WithDatabase(db => db.OutboxEvents.AllAsync(e => e.PublishedAt != null));
        }, "every event was published");
        await Task.Delay(500);
        received.AddRange(await plain.DrainAsync(counted));

        Assert.True(reachedBeforeCut < events, $"the cut came after everything was published ({reachedBeforeCut})");
        var firstArrivals = received.Select(m => (long)m.BasicProperties.Headers![EventHeaders.Sequence]!).Distinct().ToList();
        // Events written but not confirmed before the cut may come twice; the first time each comes is in order.
        Assert.Equal(Enumerable.Range(1, events).Select(i => (long)i), firstArrivals);
    }
}
