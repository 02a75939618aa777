using System.Diagnostics;
using System.Diagnostics.Metrics;
using Inclusion.Events.V1;
using InclusionServices.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InclusionServices.EventBus;

/// <summary>
/// Numbers committed outbox events (<see cref="OutboxSchema"/>) and publishes them to RabbitMQ in sequence order,
/// waiting for the broker's confirm of each, and marks them published. While the broker is unreachable it backs off
/// and tries again; nothing is lost because the events stay in the outbox. With several replicas, one at a time
/// holds the dispatcher lock for a batch.
/// </summary>
public sealed partial class OutboxDispatcher<TDatabase>(
    IServiceScopeFactory scopes,
    IBus bus,
    IOptions<EventBusOptions> options,
    OutboxMetrics metrics,
    OutboxWake wake,
    TimeProvider time,
    ILogger<OutboxDispatcher<TDatabase>> logger) : BackgroundService
    where TDatabase : ServiceDatabase
{
    private static readonly ActivitySource Source = new(Telemetry.SourcePrefix + "Outbox");
    private readonly EventBusOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await PublishBatchAsync(stoppingToken);
                failures = 0;
                if (published == 0)
                {
                    // Woken by the next commit in this process that records events; the poll is only a safety net.
                    await wake.WaitAsync(_options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                var wait = Backoff(failures);
                LogPublishFailed(logger, exception, failures, wait);
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var doubled = _options.InitialBackoff * Math.Pow(2, Math.Min(failures - 1, 16));
        return doubled < _options.MaxBackoff ? doubled : _options.MaxBackoff;
    }

    /// <summary>Publishes one batch; returns how many events it published (0 when another replica holds the lock).</summary>
    internal async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<TDatabase>();
        await OutboxSchema.NumberCommittedEventsAsync(database, _options.BatchSize, cancellationToken);
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var holdsLock = await database.Database
            .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({ServiceDatabase.OutboxDispatcherLock}) AS \"Value\"")
            .SingleAsync(cancellationToken);
        if (!holdsLock)
        {
            return 0;
        }

        var batch = await database.OutboxEvents
            .Where(e => e.PublishedAt == null && e.Sequence > 0)
            .OrderBy(e => e.Sequence)
            .Take(_options.BatchSize)
            .ToListAsync(cancellationToken);
        var published = 0;
        try
        {
            foreach (var row in batch)
            {
                row.Attempts++;
                await PublishAsync(row, cancellationToken);
                row.PublishedAt = time.GetUtcNow();
                row.LastError = null;
                published++;
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Keep what was confirmed, and the reason the next one failed, then let the caller back off.
            var failed = batch[published];
            failed.LastError = exception.Message.Length > 2000 ? exception.Message[..2000] : exception.Message;
            await SaveAsync(database, transaction, published, CancellationToken.None);
            throw;
        }
        await SaveAsync(database, transaction, published, cancellationToken);
        return published;
    }

    private async Task SaveAsync(TDatabase database, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction,
        int published, CancellationToken cancellationToken)
    {
        await database.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.Published(published);
        var pending = await database.OutboxEvents.Where(e => e.PublishedAt == null)
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Oldest = g.Min(e => e.OccurredAt) })
            .SingleOrDefaultAsync(cancellationToken);
        metrics.Observe(pending?.Count ?? 0, pending is null ? TimeSpan.Zero : time.GetUtcNow() - pending.Oldest);
    }

    private async Task PublishAsync(OutboxEvent row, CancellationToken cancellationToken)
    {
        var integrationEvent = row.ToEvent();
        var metadata = integrationEvent.Metadata;
        // Continue the trace of the call that caused the event, so producer and consumers show as one trace.
        ActivityContext.TryParse(metadata.Traceparent, metadata.Tracestate, out var cause);
        using var activity = Source.StartActivity($"publish {row.EventType}", ActivityKind.Producer, cause);
        activity?.SetTag("messaging.message.id", row.EventId);
        activity?.SetTag("inclusion.event.sequence", row.Sequence);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        var exchange = await bus.GetSendEndpoint(new Uri($"exchange:{row.EventType}?type=fanout"));
        await exchange.Send(integrationEvent, EventCatalog.ClrType(row.EventType), context =>
        {
            context.MessageId = row.EventId;
            context.Headers.Set(EventHeaders.EventType, row.EventType);
            context.Headers.Set(EventHeaders.Sequence, row.Sequence);
            context.Headers.Set(EventHeaders.Producer, metadata.Producer);
        }, timeout.Token);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Publishing outbox events failed ({Failures} in a row); trying again in {Wait}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int failures, TimeSpan wait);
}

/// <summary>AMQP headers on every published event, besides the standard message-id and content-type.</summary>
public static class EventHeaders
{
    public const string EventType = "inclusion-event-type";
    public const string Sequence = "inclusion-sequence";
    public const string Producer = "inclusion-producer";
}

/// <summary>Outbox metrics on the dashboard: what waits to be published, for how long, and the publishing rate.</summary>
public sealed class OutboxMetrics
{
    public const string MeterName = Telemetry.SourcePrefix + "Outbox";
    private readonly Counter<long> _published;
    private long _pending;
    private double _oldestPendingSeconds;

    public OutboxMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _published = meter.CreateCounter<long>("inclusion.outbox.published", "{event}", "Events published to the broker");
        meter.CreateObservableGauge("inclusion.outbox.pending", () => Interlocked.Read(ref _pending), "{event}",
            "Committed events not yet published");
        meter.CreateObservableGauge("inclusion.outbox.oldest_pending_age", () => Volatile.Read(ref _oldestPendingSeconds), "s",
            "Age of the oldest event not yet published");
    }

    internal void Published(int count)
    {
        if (count > 0)
        {
            _published.Add(count);
        }
    }

    public long Pending => Interlocked.Read(ref _pending);
    public TimeSpan OldestPending => TimeSpan.FromSeconds(Volatile.Read(ref _oldestPendingSeconds));

    public void Observe(long pending, TimeSpan oldest)
    {
        Interlocked.Exchange(ref _pending, pending);
        Volatile.Write(ref _oldestPendingSeconds, oldest.TotalSeconds);
    }
}
