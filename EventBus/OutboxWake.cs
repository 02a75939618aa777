using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace InclusionServices.EventBus;

/// <summary>
/// Wakes this process's outbox dispatcher when a transaction that recorded events commits, so events leave within a
/// round trip of their commit; the dispatcher's poll is only a safety net (and how another replica's events are
/// found while this one is busy). In-process rather than PostgreSQL NOTIFY: NOTIFY takes one server-wide lock
/// through every notifying commit, which made the writers of all four services wait for each other.
/// </summary>
public sealed class OutboxWake : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly SemaphoreSlim _committed = new(0, 1);

    /// <summary>Returns when events have committed since the last wait, or when <paramref name="timeout"/> has passed.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _committed.WaitAsync(timeout, cancellationToken);

    // SaveChanges without a transaction of the caller's has committed by the time it returns.
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { Database.CurrentTransaction: null })
        {
            WakeIfRecorded(eventData.Context);
        }
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SavedChanges(eventData, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => WakeIfRecorded(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    private void WakeIfRecorded(DbContext? context)
    {
        if (context is ServiceDatabase { EventsAwaitingCommit: true } database)
        {
            database.EventsAwaitingCommit = false;
            // One pending wake is enough: the dispatcher publishes everything committed when it runs.
            if (_committed.CurrentCount == 0)
            {
                try
                {
                    _committed.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Another commit woke it at the same moment.
                }
            }
        }
    }
}
