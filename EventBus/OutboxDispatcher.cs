using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Inclusion.Events.V1;
using InclusionServices.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace InclusionServices.EventBus;

/// <summary>
/// Numbers committed outbox events (<see cref="OutboxSchema"/>) and publishes them to RabbitMQ in batches: each batch
/// sent in sequence order, then the broker's confirm of each awaited, and the confirmed ones marked published. While the broker is unreachable it backs off
/// and tries again; nothing is lost because the events stay in the outbox. With several replicas, one at a time
/// holds the dispatcher lock for a batch.
/// </summary>
public sealed partial class OutboxDispatcher<TDatabase>(
    IServiceScopeFactory scopes,
    ConfirmedPublisher publisher,
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
                // A full batch may have left more behind; otherwise wait to be woken by the next commit in this process
                // that records events (one made while the batch was published has woken it already, so the wait
                // returns at once). Going round again after every batch made each batch cost a second, empty, round of
                // five statements. The poll is only a safety net.
                if (published < _options.BatchSize)
                {
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
        if (batch.Count == 0)
        {
            await SaveAsync(database, transaction, 0, cancellationToken);
            return 0;
        }
        var published = 0;
        Exception? firstFailure = null;
        var events = batch.ConvertAll(row => row.ToEvent());
        var activities = events.ConvertAll(StartPublishActivity);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            var confirms = await publisher.PublishAsync([.. batch.Select((row, i) => Outgoing(row, events[i], activities[i]))], timeout.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Attempts++;
                try
                {
                    await confirms[i].WaitAsync(timeout.Token);
                    // Only an unbroken run from the start of the batch counts as published, so that what follows an
                    // event the broker did not confirm is published again after it, in sequence order.
                    if (firstFailure is null)
                    {
                        batch[i].PublishedAt = time.GetUtcNow();
                        batch[i].LastError = null;
                        published++;
                    }
                }
                catch (Exception exception)
                {
                    firstFailure ??= exception is OperationCanceledException && !cancellationToken.IsCancellationRequested
                        ? new TimeoutException($"The broker did not confirm the event within {_options.PublishTimeout}.")
                        : exception;
                    batch[i].LastError = Truncated(firstFailure.Message);
                    activities[i]?.SetStatus(ActivityStatusCode.Error, firstFailure.Message);
                }
            }
        }
        catch (Exception exception)
        {
            // Not even written: nothing of the batch was published.
            firstFailure = exception;
            batch.ForEach(row => row.Attempts++);
            batch[0].LastError = Truncated(exception.Message);
            activities.ForEach(activity => activity?.SetStatus(ActivityStatusCode.Error, exception.Message));
        }
        finally
        {
            activities.ForEach(activity => activity?.Dispose());
        }
        if (firstFailure is not null)
        {
            // A confirm that did not come leaves the channel in doubt: the next batch opens a new one.
            await publisher.CloseAsync(firstFailure);
            await SaveAsync(database, transaction, published, CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw firstFailure;
        }
        await SaveAsync(database, transaction, published, cancellationToken);
        return published;
    }

    private static string Truncated(string message) => message.Length > 2000 ? message[..2000] : message;

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

    /// <summary>
    /// Continues the trace of the call that caused the event, so producer and consumers show as one trace. A batch's
    /// spans are open together, so each is started without becoming the current activity.
    /// </summary>
    private static Activity? StartPublishActivity(IIntegrationEvent integrationEvent)
    {
        var metadata = integrationEvent.Metadata;
        ActivityContext.TryParse(metadata.Traceparent, metadata.Tracestate, out var cause);
        var current = Activity.Current;
        var activity = Source.StartActivity($"publish {integrationEvent.Descriptor.FullName}", ActivityKind.Producer, cause);
        Activity.Current = current;
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.destination.name", integrationEvent.Descriptor.FullName);
        activity?.SetTag("messaging.message.id", metadata.EventId);
        activity?.SetTag("inclusion.event.sequence", metadata.Sequence);
        return activity;
    }

    /// <summary>
    /// The event as RabbitMQ carries it: its JSON (protobuf's JSON mapping) to the fanout exchange named after its type,
    /// persistent, with its id, sequence and type. The trace goes in "traceparent" (W3C, for any consumer) and in the header
    /// MassTransit consumers continue a trace from.
    /// </summary>
    private static OutgoingEvent Outgoing(OutboxEvent row, IIntegrationEvent integrationEvent, Activity? publish)
    {
        var metadata = integrationEvent.Metadata;
        var trace = publish?.Id ?? metadata.Traceparent;
        var headers = new Dictionary<string, object?>
        {
            [EventHeaders.EventType] = row.EventType,
            [EventHeaders.Sequence] = row.Sequence,
            [EventHeaders.Producer] = metadata.Producer,
            // MassTransit consumers of raw JSON hand a message only to the consumers of the type named here; without it
            // a queue that takes many event types (Reporting's) would try every message as every type.
            ["MT-MessageType"] = MessageUrn.ForTypeString(EventCatalog.ClrType(row.EventType)),
        };
        if (!string.IsNullOrEmpty(trace))
        {
            headers["traceparent"] = trace;
            headers["MT-Activity-Id"] = trace;
        }
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            MessageId = row.EventId.ToString(),
            Persistent = true,
            Headers = headers,
        };
        return new OutgoingEvent(row.EventType, properties, Encoding.UTF8.GetBytes(EventJson.Formatter.Format(integrationEvent)));
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
