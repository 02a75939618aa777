using System.Diagnostics;
using System.Threading.Channels;
using Inclusion.Events.V1;
using InclusionServices.Reporting.Storage;
using InclusionServices.ServiceDefaults;
using Npgsql;

namespace InclusionServices.Reporting.Projections;

/// <summary>
/// Applies live events in batches. Every event delivered while the last batch was being written goes into the next
/// transaction, and each delivery is acknowledged only once that transaction has committed, so nothing acknowledged is
/// lost. Why: every exclusion adds to the same "all schools" count rows, and every event moves its producer's position;
/// applied one transaction each, concurrent events queued on those rows until each other's commit. One writer taking
/// whatever has arrived writes them once per batch and commits once, however fast events come.
/// If a batch fails, its events are applied again one by one, so one bad event fails alone (unless the database itself
/// failed: then all go back to MassTransit's retries at once).
/// </summary>
public sealed class LiveEvents(IServiceScopeFactory scopes, ProjectorMetrics metrics, ILogger<LiveEvents> logger) : BackgroundService
{
    /// <summary>At most this many events in one transaction, so a burst does not hold the read models for long.</summary>
    public const int MaxBatch = 200;

    private static readonly ActivitySource Source = new(Telemetry.SourcePrefix + "Reporting");
    private readonly Channel<Delivery> _delivered = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes when the event's batch has committed; throws what applying it alone threw.</summary>
    public async Task ApplyAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var delivery = new Delivery(integrationEvent, Activity.Current?.Context ?? default,
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_delivered.Writer.TryWrite(delivery))
        {
            throw new OperationCanceledException("Reporting is stopping; the event stays on its queue.");
        }
        await delivery.Applied.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Delivery>(MaxBatch);
        try
        {
            while (await _delivered.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _delivered.Reader.TryRead(out var delivery))
                {
                    batch.Add(delivery);
                }
                metrics.TakenTogether(batch.Count);
                await ApplyAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Deliveries still waiting go back to the broker unacknowledged, to be delivered again.
            _delivered.Writer.TryComplete();
            foreach (var delivery in batch)
            {
                delivery.Applied.TrySetCanceled(stoppingToken);
            }
            while (_delivered.Reader.TryRead(out var waiting))
            {
                waiting.Applied.TrySetCanceled(stoppingToken);
            }
        }
    }

    private async Task ApplyAsync(List<Delivery> batch, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyInOneTransactionAsync(batch, cancellationToken);
            batch.ForEach(d => d.Applied.TrySetResult());
            return;
        }
        catch (Exception error) when (batch.Count > 1 && !cancellationToken.IsCancellationRequested && !IsTransient(error))
        {
            logger.LogDebug(error, "A batch of {Count} live events failed; applying them one by one", batch.Count);
        }
        catch (Exception error)
        {
            // The database is unreachable, or the batch met a deadlock: every delivery goes back to MassTransit's retries
            // at once, rather than each waiting out the same failure alone.
            batch.ForEach(d => d.Applied.TrySetException(error));
            return;
        }
        foreach (var delivery in batch)
        {
            try
            {
                await ApplyInOneTransactionAsync([delivery], cancellationToken);
                delivery.Applied.TrySetResult();
            }
            catch (Exception error)
            {
                delivery.Applied.TrySetException(error);
            }
        }
    }

    /// <summary>A failure of the database rather than of an event: the connection, a restart, a deadlock.</summary>
    private static bool IsTransient(Exception error)
    {
        for (var cause = error; cause is not null; cause = cause.InnerException)
        {
            if (cause is NpgsqlException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// One transaction. Its span continues the consumer's trace when it applies one delivery, and links to each
    /// consumer's trace when it applies several.
    /// </summary>
    private async Task ApplyInOneTransactionAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        using var activity = Source.StartBatchActivity("apply live events", [.. deliveries.Select(d => d.Consumed)]);
        activity?.SetTag("inclusion.events.count", deliveries.Count);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<ReportingDatabase>();
            var projector = scope.ServiceProvider.GetRequiredService<Projector>();
            await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
            await ReadModelLock.ShareAsync(database, cancellationToken);
            await projector.ApplyBatchAsync([.. deliveries.Select(d => d.Event)], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception error)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            throw;
        }
    }

    /// <summary>An event MassTransit handed over, the trace of its consumer, and what it waits on.</summary>
    private sealed record Delivery(IIntegrationEvent Event, ActivityContext Consumed, TaskCompletionSource Applied);
}
