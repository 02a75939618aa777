using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Commits reads' audit entries in groups (a group commit): each read waits until its entries are committed, so no
/// read is answered unaudited and nothing acknowledged is lost if the process dies; reads that arrive while a group is
/// being written share the next insert and commit. One writer per service, so under load a group grows instead of
/// every read paying a transaction of its own. If a group cannot be written, every read in it fails, as one would alone.
/// </summary>
public sealed class ReadAuditWriter : IDisposable
{
    /// <summary>At most this many reads' entries in one commit.</summary>
    private const int MaxGroup = 256;

    private readonly Channel<PendingReads> _queue = Channel.CreateUnbounded<PendingReads>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly Type _database;
    private readonly Task _writer;

    public ReadAuditWriter(IServiceScopeFactory scopes, Type database)
    {
        (_scopes, _database) = (scopes, database);
        _writer = Task.Run(WriteGroupsAsync);
    }

    /// <summary>Completes when the entries are committed; fails as the commit does.</summary>
    public Task WriteAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var pending = new PendingReads(entries, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(ReadAuditWriter), "The service is stopping; the read was not audited.");
        }
        // A caller that gives up stops waiting; its entries are still written (a read asked for is a read to account for).
        return pending.Written.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteGroupsAsync()
    {
        var group = new List<PendingReads>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var database = (DbContext)scope.ServiceProvider.GetRequiredService(_database);
                database.Set<AuditEntry>().AddRange(group.SelectMany(p => p.Entries));
                await database.SaveChangesAsync();
                group.ForEach(p => p.Written.TrySetResult());
            }
            catch (Exception problem)
            {
                group.ForEach(p => p.Written.TrySetException(problem));
            }
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(10));
    }

    private sealed record PendingReads(IReadOnlyList<AuditEntry> Entries, TaskCompletionSource Written);
}
