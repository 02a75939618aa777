using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Commits reads' audit entries in groups (a group commit): each read waits until its entries are committed, so no
/// read is answered unaudited and nothing acknowledged is lost if the process dies; reads that arrive while groups are
/// being written share the next insert and commit. If a group cannot be written, every read in it fails, as one would alone.
/// </summary>
/// <remarks>
/// Up to <see cref="MaxInFlight"/> groups are written at once: with one, a read that arrived just after a group set off
/// waited for that group's commit and then its own. A group is one statement (arrays unnested into rows), so it is one
/// round trip and an implicit transaction, with nothing for EF Core to track.
/// </remarks>
public sealed class ReadAuditWriter : IDisposable
{
    /// <summary>At most this many reads' entries in one commit.</summary>
    private const int MaxGroup = 256;

    /// <summary>Groups being written at once (each holds one pooled connection while it does).</summary>
    private const int MaxInFlight = 4;

    private const string InsertSql = $"""
        INSERT INTO {AuditTrail.TableName} (at, "user", role, school_urn, action, resource, pupil_id, rpc, trace_id)
        SELECT * FROM unnest(@at, @user, @role, @school_urn, @action, @resource, @pupil_id, @rpc, @trace_id)
        """;

    private static readonly ActivitySource Source = new(Telemetry.SourcePrefix + "Audit");

    private readonly Channel<PendingReads> _queue = Channel.CreateUnbounded<PendingReads>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private readonly IServiceScopeFactory _scopes;
    private readonly Type _database;
    private readonly Task _writer;

    public ReadAuditWriter(IServiceScopeFactory scopes, Type database)
    {
        (_scopes, _database) = (scopes, database);
        // Made during the first read that needs it: without this the writer would carry that read's trace for ever,
        // and every later group's insert would show in it.
        using (ExecutionContext.SuppressFlow())
        {
            _writer = Task.Run(WriteGroupsAsync);
        }
    }

    /// <summary>Completes when the entries are committed; fails as the commit does.</summary>
    public Task WriteAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var pending = new PendingReads(entries, Activity.Current?.Context ?? default,
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(ReadAuditWriter), "The service is stopping; the read was not audited.");
        }
        // A caller that gives up stops waiting; its entries are still written (a read asked for is a read to account for).
        return pending.Written.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteGroupsAsync()
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            await _inFlight.WaitAsync();
            // Everything queued while waiting for a free writer goes in this group.
            var group = new List<PendingReads>();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }
            _ = WriteGroupAsync(group);
        }
        // Stopping: let the groups under way finish.
        for (var i = 0; i < MaxInFlight; i++)
        {
            await _inFlight.WaitAsync();
        }
    }

    /// <summary>
    /// One insert and commit. Its span continues the read's trace when the group is one read, and links to each read's
    /// trace when it is several.
    /// </summary>
    private async Task WriteGroupAsync(List<PendingReads> group)
    {
        using var activity = Source.StartBatchActivity("audit reads", group.ConvertAll(p => p.Read));
        activity?.SetTag("inclusion.audit.reads", group.Count);
        try
        {
            var entries = group.SelectMany(p => p.Entries).ToArray();
            await using var scope = _scopes.CreateAsyncScope();
            var database = (DbContext)scope.ServiceProvider.GetRequiredService(_database);
            await database.Database.ExecuteSqlRawAsync(InsertSql,
                Column("at", NpgsqlDbType.TimestampTz, entries.Select(e => e.At.ToUniversalTime())),
                Column("user", NpgsqlDbType.Varchar, entries.Select(e => e.User)),
                Column("role", NpgsqlDbType.Varchar, entries.Select(e => e.Role)),
                Column("school_urn", NpgsqlDbType.Varchar, entries.Select(e => e.SchoolUrn)),
                Column("action", NpgsqlDbType.Varchar, entries.Select(e => e.Action)),
                Column("resource", NpgsqlDbType.Varchar, entries.Select(e => e.Resource)),
                Column("pupil_id", NpgsqlDbType.Uuid, entries.Select(e => e.PupilId)),
                Column("rpc", NpgsqlDbType.Varchar, entries.Select(e => e.Rpc)),
                Column("trace_id", NpgsqlDbType.Varchar, entries.Select(e => e.TraceId)));
            group.ForEach(p => p.Written.TrySetResult());
        }
        catch (Exception problem)
        {
            activity?.SetStatus(ActivityStatusCode.Error, problem.Message);
            group.ForEach(p => p.Written.TrySetException(problem));
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static NpgsqlParameter Column<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>A read's entries, the trace of the call that made it, and what the call waits on.</summary>
    private sealed record PendingReads(IReadOnlyList<AuditEntry> Entries, ActivityContext Read, TaskCompletionSource Written);
}
