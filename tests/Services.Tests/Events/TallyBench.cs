using Inclusion.Events.V1;
using InclusionServices.EventBus;
using InclusionServices.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InclusionServices.Tests.Events;

/// <summary>How many times each event was applied: an additive effect, so a second application would show.</summary>
public sealed class Tally
{
    public Guid EventId { get; set; }
    public int Times { get; set; }
}

public sealed class TallyDatabase(DbContextOptions<TallyDatabase> options) : ServiceDatabase(options)
{
    public DbSet<Tally> Tallies => Set<Tally>();

    protected override string Producer => "tally";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Tally>().HasKey(t => t.EventId);
    }
}

/// <summary>Counts each ProviderAdded it applies; refuses a provider of <see cref="PoisonCapacity"/> places.</summary>
public sealed class TallyConsumer(TallyDatabase database, TimeProvider time)
    : IdempotentConsumer<ProviderAdded, TallyDatabase>(database, time)
{
    public const int PoisonCapacity = 13;

    protected override async Task ApplyAsync(ProviderAdded added, CancellationToken cancellationToken)
    {
        if (added.Capacity == PoisonCapacity)
        {
            throw new InvalidOperationException($"The tally refuses a provider with {PoisonCapacity} places.");
        }
        var eventId = Guid.Parse(added.Metadata.EventId);
        var tally = await Database.Tallies.SingleOrDefaultAsync(t => t.EventId == eventId, cancellationToken);
        if (tally is null)
        {
            Database.Tallies.Add(new Tally { EventId = eventId, Times = 1 });
        }
        else
        {
            tally.Times++;
        }
    }
}

/// <summary>Counts deliveries handled by consumers, duplicates included, so a test knows when the bus is idle.</summary>
public sealed class DeliveryCounter : IConsumeObserver
{
    private int _handled;
    public int Handled => Volatile.Read(ref _handled);
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;
    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        Interlocked.Increment(ref _handled);
        return Task.CompletedTask;
    }
    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

/// <summary>
/// A process hosting the event bus library exactly as a service does (outbox dispatcher, idempotent consumer,
/// MassTransit on the real broker), over a test database of its own.
/// </summary>
public sealed class TallyBench : IAsyncDisposable
{
    public const string QueuePrefix = "bench";
    private readonly IHost _host;

    private TallyBench(IHost host) => _host = host;

    public DeliveryCounter Deliveries => _host.Services.GetRequiredService<DeliveryCounter>();

    public static async Task<TallyBench> StartAsync(string database, string broker, bool consume = true, bool dispatch = true)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:tallydb"] = database,
            ["ConnectionStrings:rabbitmq"] = broker,
            ["EventBus:DispatchEvents"] = dispatch.ToString(),
            ["EventBus:QueuePrefix"] = QueuePrefix,
        }.Concat(TestServers.QuickEventBusSettings));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DeliveryCounter>();
        // Tests publish right after start: the consumer's queue and bindings must exist by then.
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        builder.AddServiceDatabase<TallyDatabase>("tallydb");
        builder.AddEventBus<TallyDatabase>(bus =>
        {
            bus.AddConsumeObserver(provider => provider.GetRequiredService<DeliveryCounter>());
            if (consume)
            {
                bus.AddConsumer<TallyConsumer>();
            }
        });
        var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // A test-only schema: the services' own schemas come from their migrations.
            await scope.ServiceProvider.GetRequiredService<TallyDatabase>().Database.EnsureCreatedAsync();
        }
        await host.StartAsync();
        return new TallyBench(host);
    }

    public async Task<T> WithDatabase<T>(Func<TallyDatabase, Task<T>> work)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TallyDatabase>());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

public static class Eventually
{
    /// <summary>Waits for <paramref name="condition"/> to hold, failing the test with <paramref name="what"/> after the timeout.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, int seconds = 60, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {seconds} s waiting until {what}." + (describe is null ? "" : $" Last seen: {describe()}."));
            await Task.Delay(100);
        }
    }
}
