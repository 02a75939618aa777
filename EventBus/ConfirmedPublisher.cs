using System.Collections.Concurrent;
using RabbitMQ.Client;

namespace InclusionServices.EventBus;

/// <summary>One event to publish: the fanout exchange it goes to, its AMQP properties and its JSON body.</summary>
public sealed record OutgoingEvent(string Exchange, BasicProperties Properties, ReadOnlyMemory<byte> Body);

/// <summary>
/// The outbox dispatcher's own channel to RabbitMQ, in confirm mode: a batch is written in order, one message after
/// another on the one channel (so the broker receives it in sequence order), and each message's confirm is awaited
/// afterwards, all of them at once. Waiting for each confirm before writing the next held publishing to one event
/// per broker round trip. Any failure closes the channel; the next batch opens a new one.
/// </summary>
public sealed class ConfirmedPublisher(string connectionString, string clientName, TimeSpan timeout) : IAsyncDisposable
{
    private readonly SemaphoreSlim _open = new(1, 1);
    private IConnection? _connection;
    private ConfirmChannel? _channel;

    /// <summary>
    /// Writes every event in order and returns, for each, a task that completes when the broker confirms it (or fails if
    /// the broker refuses it or the channel closes first). Not for concurrent callers: the dispatcher publishes one batch
    /// at a time.
    /// </summary>
    public async Task<IReadOnlyList<Task>> PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(cancellationToken);
        try
        {
            var confirms = new List<Task>(events.Count);
            foreach (var outgoing in events)
            {
                confirms.Add(await channel.PublishAsync(outgoing, cancellationToken));
            }
            return confirms;
        }
        catch (Exception exception)
        {
            await CloseAsync(exception);
            throw;
        }
    }

    /// <summary>Closes the channel, failing every confirm still awaited; the next batch opens a new one.</summary>
    public async Task CloseAsync(Exception reason)
    {
        await _open.WaitAsync();
        try
        {
            await CloseOpenedAsync(reason);
        }
        finally
        {
            _open.Release();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync(new ObjectDisposedException(nameof(ConfirmedPublisher)));

    private async Task<ConfirmChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        await _open.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true } open)
            {
                return open;
            }
            await CloseOpenedAsync(new IOException("The channel to the broker closed."));
            var factory = new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                ClientProvidedName = clientName,
                // A failed batch opens a new connection itself; recovery in the background would race it.
                AutomaticRecoveryEnabled = false,
                TopologyRecoveryEnabled = false,
                // Closing a channel that failed must not hold the dispatcher (and its lock) for the default 20 s.
                ContinuationTimeout = timeout,
                RequestedConnectionTimeout = timeout,
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            _channel = await ConfirmChannel.OpenAsync(_connection, cancellationToken);
            return _channel;
        }
        finally
        {
            _open.Release();
        }
    }

    private async Task CloseOpenedAsync(Exception reason)
    {
        var (channel, connection) = (_channel, _connection);
        (_channel, _connection) = (null, null);
        if (channel is not null)
        {
            await channel.CloseAsync(reason);
        }
        await DisposeQuietlyAsync(connection);
    }

    private static async Task DisposeQuietlyAsync(IAsyncDisposable? disposable)
    {
        try
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }
        catch (Exception)
        {
            // Closing what has already failed: nothing more to learn from it.
        }
    }

    /// <summary>A channel in confirm mode and the confirms it still owes, by delivery tag (tags start again on each channel).</summary>
    private sealed class ConfirmChannel
    {
        private readonly IChannel _channel;
        private readonly ConcurrentDictionary<ulong, TaskCompletionSource> _unconfirmed = new();
        private readonly HashSet<string> _declared = [];

        private ConfirmChannel(IChannel channel)
        {
            _channel = channel;
            channel.BasicAcksAsync += (_, ack) => Settle(ack.DeliveryTag, ack.Multiple, null);
            channel.BasicNacksAsync += (_, nack) => Settle(nack.DeliveryTag, nack.Multiple, "the broker refused the event (basic.nack)");
            channel.ChannelShutdownAsync += (_, shutdown) =>
            {
                FailUnconfirmed(new IOException($"The channel to the broker closed: {shutdown.ReplyCode} {shutdown.ReplyText}"));
                return Task.CompletedTask;
            };
        }

        public bool IsOpen => _channel.IsOpen;

        public static async Task<ConfirmChannel> OpenAsync(IConnection connection, CancellationToken cancellationToken) =>
            new(await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false), cancellationToken));

        /// <summary>Writes one event; the task returned completes when the broker confirms it.</summary>
        public async Task<Task> PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken)
        {
            if (_declared.Add(outgoing.Exchange))
            {
                await PublishedExchanges.DeclareAsync(_channel, outgoing.Exchange, cancellationToken);
            }
            var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _unconfirmed[await _channel.GetNextPublishSequenceNumberAsync(cancellationToken)] = confirmed;
            await _channel.BasicPublishAsync(outgoing.Exchange, routingKey: "", mandatory: false, outgoing.Properties, outgoing.Body,
                cancellationToken);
            return confirmed.Task;
        }

        public async Task CloseAsync(Exception reason)
        {
            FailUnconfirmed(reason);
            await DisposeQuietlyAsync(_channel);
        }

        private Task Settle(ulong deliveryTag, bool multiple, string? refusal)
        {
            var tags = multiple ? _unconfirmed.Keys.Where(tag => tag <= deliveryTag).ToList() : [deliveryTag];
            foreach (var tag in tags)
            {
                if (_unconfirmed.TryRemove(tag, out var confirmed))
                {
                    if (refusal is null)
                    {
                        confirmed.TrySetResult();
                    }
                    else
                    {
                        confirmed.TrySetException(new IOException(refusal));
                    }
                }
            }
            return Task.CompletedTask;
        }

        private void FailUnconfirmed(Exception reason)
        {
            foreach (var tag in _unconfirmed.Keys)
            {
                if (_unconfirmed.TryRemove(tag, out var confirmed))
                {
                    confirmed.TrySetException(reason);
                }
            }
        }
    }
}
