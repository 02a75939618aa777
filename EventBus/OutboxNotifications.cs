using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InclusionServices.EventBus;

/// <summary>
/// Wakes an outbox dispatcher when a transaction that added events commits: writers NOTIFY on a channel of the
/// service's database, which PostgreSQL delivers at commit to every listening dispatcher (every replica), so events
/// leave within a round trip of their commit instead of waiting for the next poll.
/// </summary>
public sealed class OutboxNotifications : IDisposable
{
    /// <summary>The channel, one per database (PostgreSQL keeps notifications within the database they were sent in).</summary>
    public const string Channel = "inclusion_outbox";

    private readonly NpgsqlConnection _connection;

    private OutboxNotifications(NpgsqlConnection connection) => _connection = connection;

    /// <summary>A connection of its own, listening on the channel (the pooled connections of requests never listen).</summary>
    public static async Task<OutboxNotifications> ListenAsync<TDatabase>(IServiceScopeFactory scopes, CancellationToken cancellationToken)
        where TDatabase : DbContext
    {
        string connectionString;
        await using (var scope = scopes.CreateAsyncScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<TDatabase>().Database.GetConnectionString()
                ?? throw new InvalidOperationException($"{typeof(TDatabase).Name} has no connection string.");
        }
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var listen = new NpgsqlCommand($"LISTEN {Channel}", connection);
            await listen.ExecuteNonQueryAsync(cancellationToken);
            return new OutboxNotifications(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Returns when a commit has notified (including one since the last wait) or the timeout has passed.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _connection.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _connection.Dispose();
}
