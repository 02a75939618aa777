using System.Text;
using RabbitMQ.Client;

namespace InclusionServices.Tests.Events;

/// <summary>
/// A plain RabbitMQ client, as a reporting job in any language would use: no MassTransit, only the broker's
/// protocol and the documented wire format (docs/events.md).
/// </summary>
public sealed class PlainRabbitMq : IAsyncDisposable
{
    private readonly IConnection _connection;
    public IChannel Channel { get; }

    private PlainRabbitMq(IConnection connection, IChannel channel)
    {
        _connection = connection;
        Channel = channel;
    }

    public static async Task<PlainRabbitMq> ConnectAsync(string connectionString)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync();
        return new PlainRabbitMq(connection, await connection.CreateChannelAsync());
    }

    /// <summary>Declares each event's fanout exchange (as publishers do) and binds one new exclusive queue of our own to them.</summary>
    public async Task<string> BindQueueAsync(params string[] exchanges)
    {
        var queue = await Channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        foreach (var exchange in exchanges)
        {
            await Channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await Channel.QueueBindAsync(queue.QueueName, exchange, "");
        }
        return queue.QueueName;
    }

    /// <summary>Takes every message now in the queue.</summary>
    public async Task<List<BasicGetResult>> DrainAsync(string queue)
    {
        var messages = new List<BasicGetResult>();
        while (await Channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            messages.Add(message);
        }
        return messages;
    }

    /// <summary>Messages ready in a queue, or -1 when it does not exist (yet).</summary>
    public async Task<long> QueueLengthAsync(string queue)
    {
        // A passive declare of a missing queue closes its channel, so ask on a channel of its own.
        await using var probe = await _connection.CreateChannelAsync();
        try
        {
            return (await probe.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return -1;
        }
    }

    public async Task PublishJsonAsync(string exchange, string json, string messageId)
    {
        var properties = new BasicProperties { ContentType = "application/json", MessageId = messageId, Persistent = true };
        await Channel.BasicPublishAsync(exchange, "", mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }

    public async ValueTask DisposeAsync()
    {
        await Channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
