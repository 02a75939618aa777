using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Inclusion.Events.V1;
using InclusionServices.EventBus;
using InclusionServices.Reporting.Projections;
using InclusionServices.Reporting.Reports;
using InclusionServices.Reporting.Storage;
using InclusionServices.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InclusionServices.Reporting.Rebuilds;

public sealed class RebuildOptions
{
    public const string SectionName = "Rebuild";

    /// <summary>Events applied per transaction while replaying.</summary>
    public int BatchSize { get; set; } = 500;
    /// <summary>How long one producer's history may take to stream.</summary>
    public TimeSpan ReplayDeadline { get; set; } = TimeSpan.FromHours(2);
    /// <summary>How often a broken stream is resumed (from the last event applied) before the rebuild fails.</summary>
    public int StreamAttempts { get; set; } = 5;
    /// <summary>How often the read models are checked for a gap that has not closed by itself since the last check.</summary>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Replays the producers' histories (EventHistory, as this service) through the same <see cref="Projector"/> live
/// events go through, in batches; each event is applied once, by whichever path meets it first. Two uses:
/// <list type="bullet">
/// <item>a rebuild empties the read models and replays every history from the start. One at a time, in the background:
/// the RPC that starts it returns at once and GetRebuild tells how it goes;</item>
/// <item>a catch-up replays a producer's history from where Reporting's unbroken run of its events ends: at start-up
/// (events published before Reporting's queue existed, e.g. on a fresh suite), and whenever a gap has stayed open from
/// one check to the next (an event lost or dead-lettered), so "behind" heals itself.</item>
/// </list>
/// </summary>
public sealed partial class ReadModelRebuilder(
    IServiceScopeFactory scopes,
    GrpcClientFactory clients,
    IBusControl bus,
    IOptions<RebuildOptions> options,
    TimeProvider time,
    ILogger<ReadModelRebuilder> logger) : BackgroundService
{
    private static readonly ActivitySource Source = new(Telemetry.SourcePrefix + "Reporting");
    private readonly Channel<Guid> _requested = Channel.CreateUnbounded<Guid>();

    /// <summary>Registers a client of each producer's event history, found by service discovery.</summary>
    public static void AddHistoryClients(IServiceCollection services)
    {
        foreach (var producer in FreshnessReader.Producers)
        {
            services.AddSuiteGrpcClient<EventHistory.EventHistoryClient>(new Uri($"http://_grpc.{producer}"), producer);
        }
    }

    /// <summary>Runs the rebuild <paramref name="id"/>, already recorded as running, as soon as the rebuilder is free.</summary>
    public void Start(Guid id) => _requested.Writer.TryWrite(id);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            // A rebuild still marked running was cut short when the service last stopped.
            await scope.ServiceProvider.GetRequiredService<ReportingDatabase>().Rebuilds.Where(r => r.State == RebuildState.Running)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RebuildState.Failed)
                    .SetProperty(r => r.Error, "The service stopped before the rebuild finished; start another.")
                    .SetProperty(r => r.FinishedAt, time.GetUtcNow()), stoppingToken);
        }
        var catchUp = new CatchUp(FreshnessReader.Producers);
        while (!stoppingToken.IsCancellationRequested)
        {
            await CatchUpAsync(catchUp, stoppingToken);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(options.Value.CatchUpInterval);
            try
            {
                var id = await _requested.Reader.ReadAsync(wait.Token);
                await RunAsync(id, stoppingToken);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Time for the next catch-up check.
            }
        }
    }

    /// <summary>Producers still to catch up from start-up, and where each one's gap stood at the last check.</summary>
    private sealed class CatchUp(IEnumerable<string> producers)
    {
        public HashSet<string> AtStartUp { get; } = [.. producers];
        public Dictionary<string, long> GapAt { get; } = [];
    }

    private async Task CatchUpAsync(CatchUp catchUp, CancellationToken stoppingToken)
    {
        Inclusion.Reporting.V1.Freshness freshness;
        await using (var scope = scopes.CreateAsyncScope())
        {
            freshness = await FreshnessReader.ReadAsync(scope.ServiceProvider.GetRequiredService<ReportingDatabase>(), stoppingToken);
        }
        if (freshness.Rebuilding)
        {
            return;
        }
        // An event published before this service's queue was bound to its exchange reached no one, and nothing after it
        // may show the gap: a start-up catch-up counts only if it began once the bus was up (queues bound), so every
        // event is either in the history it read or delivered to the queue.
        var queuesBound = bus.CheckHealth().Status == BusHealthStatus.Healthy;
        foreach (var position in freshness.Producers)
        {
            var stuck = position.Behind && catchUp.GapAt.GetValueOrDefault(position.Producer, -1) == position.AppliedThrough;
            catchUp.GapAt[position.Producer] = position.Behind ? position.AppliedThrough : -1;
            if (!catchUp.AtStartUp.Contains(position.Producer) && !stuck)
            {
                continue;
            }
            try
            {
                var replayed = await ReplayAsync(position.Producer, position.AppliedThrough, null, stoppingToken);
                if (queuesBound)
                {
                    catchUp.AtStartUp.Remove(position.Producer);
                }
                LogCaughtUp(logger, position.Producer, position.AppliedThrough, replayed);
            }
            catch (RpcException unreachable) when (!stoppingToken.IsCancellationRequested)
            {
                // Usual while the suite starts: the producer is asked again at the next check.
                LogCatchUpDeferred(logger, position.Producer, unreachable.StatusCode);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogCatchUpFailed(logger, exception, position.Producer);
            }
        }
    }

    private async Task RunAsync(Guid id, CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity("rebuild read models");
        activity?.SetTag("inclusion.rebuild", "rebuilds/" + id);
        LogStarted(logger, id);
        try
        {
            await EmptyReadModelsAsync(stoppingToken);
            foreach (var producer in FreshnessReader.Producers)
            {
                await ReplayAsync(producer, 0, id, stoppingToken);
            }
            await FinishAsync(id, RebuildState.Succeeded, null, CancellationToken.None);
            LogFinished(logger, id);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogFailed(logger, exception, id);
            var reason = exception is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : exception.Message;
            await FinishAsync(id, RebuildState.Failed, reason.Length > 2000 ? reason[..2000] : reason, CancellationToken.None);
        }
    }

    private async Task EmptyReadModelsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<ReportingDatabase>();
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        await ReadModelLock.TakeAsync(database, cancellationToken);
        await database.Database.ExecuteSqlRawAsync(ReportingDatabase.EmptyReadModelsSql, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Streams a producer's history after <paramref name="after"/> and applies it; returns how many events came.</summary>
    private async Task<long> ReplayAsync(string producer, long after, Guid? rebuild, CancellationToken cancellationToken)
    {
        var history = clients.CreateClient<EventHistory.EventHistoryClient>(producer);
        var streamed = 0L;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var call = history.StreamEvents(new StreamEventsRequest { AfterSequence = after },
                    deadline: TimeProvider.System.GetUtcNow().UtcDateTime + options.Value.ReplayDeadline, cancellationToken: cancellationToken);
                var batch = new List<IIntegrationEvent>(options.Value.BatchSize);
                await foreach (var record in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    batch.Add(EventCatalog.FromRecord(record));
                    if (batch.Count == options.Value.BatchSize)
                    {
                        streamed += batch.Count;
                        after = await ApplyAsync(rebuild, producer, batch, cancellationToken);
                    }
                }
                streamed += batch.Count;
                await ApplyAsync(rebuild, producer, batch, cancellationToken);
                return streamed;
            }
            catch (RpcException broken) when (attempt < options.Value.StreamAttempts && streamed > 0
                && broken.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded)
            {
                LogResuming(logger, broken, producer, after);
                await Task.Delay(TimeSpan.FromSeconds(attempt), time, cancellationToken);
            }
        }
    }

    /// <summary>Applies a batch in one transaction, with a rebuild's progress; returns the last sequence number applied.</summary>
    private async Task<long> ApplyAsync(Guid? rebuildId, string producer, List<IIntegrationEvent> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<ReportingDatabase>();
        var projector = scope.ServiceProvider.GetRequiredService<Projector>();
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        await ReadModelLock.TakeAsync(database, cancellationToken);
        await projector.ApplyBatchAsync(batch, cancellationToken);
        if (rebuildId is { } id)
        {
            var rebuild = await database.Rebuilds.SingleAsync(r => r.Id == id, cancellationToken);
            rebuild.Replayed = new Dictionary<string, long>(rebuild.Replayed) { [producer] = rebuild.Replayed.GetValueOrDefault(producer) + batch.Count };
            await database.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        var last = batch[^1].Metadata.Sequence;
        batch.Clear();
        return last;
    }

    private async Task FinishAsync(Guid id, RebuildState state, string? error, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<ReportingDatabase>();
        await database.Rebuilds.Where(r => r.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(r => r.State, state)
            .SetProperty(r => r.Error, error)
            .SetProperty(r => r.FinishedAt, time.GetUtcNow().ToStoredPrecision()), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilding the read models (rebuilds/{Id}) from every producer's history")]
    private static partial void LogStarted(ILogger logger, Guid id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt the read models (rebuilds/{Id})")]
    private static partial void LogFinished(ILogger logger, Guid id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuilding the read models (rebuilds/{Id}) failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Caught up with {Producer}'s history after event {After}: {Replayed} events streamed")]
    private static partial void LogCaughtUp(ILogger logger, string producer, long after, long replayed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Producer}'s history cannot be read yet ({Status}); trying again at the next check")]
    private static partial void LogCatchUpDeferred(ILogger logger, string producer, StatusCode status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catching up with {Producer}'s history failed; trying again at the next check")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, string producer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The history stream of {Producer} broke; resuming after event {After}")]
    private static partial void LogResuming(ILogger logger, Exception exception, string producer, long after);
}
