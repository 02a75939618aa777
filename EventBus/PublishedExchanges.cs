using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace InclusionServices.EventBus;

/// <summary>
/// Declares the exchange of every event this service publishes as soon as the broker answers, before anything has
/// been published: a reporting job that binds its queue on a fresh suite then finds the exchange there, instead of a
/// NOT_FOUND that lasts until the first event of that kind. Declared as the dispatcher declares them (durable fanout),
/// so the two never disagree. While the broker is unreachable it tries again with the dispatcher's back-off.
/// </summary>
public sealed partial class PublishedExchanges(
    string connectionString,
    IReadOnlyList<string> exchanges,
    IOptions<EventBusOptions> options,
    TimeProvider time,
    ILogger<PublishedExchanges> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = options.Value.InitialBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeclareAsync(stoppingToken);
                LogDeclared(logger, exchanges.Count);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogDeclareFailed(logger, exception, wait);
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                wait = wait * 2 < options.Value.MaxBackoff ? wait * 2 : options.Value.MaxBackoff;
            }
        }
    }

    private async Task DeclareAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString), ClientProvidedName = "declare published exchanges" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        foreach (var exchange in exchanges)
        {
            await DeclareAsync(channel, exchange, cancellationToken);
        }
    }

    /// <summary>An event's exchange as every part of the suite declares it (durable fanout), so declarations never disagree.</summary>
    internal static Task DeclareAsync(IChannel channel, string exchange, CancellationToken cancellationToken) =>
        channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Declared the exchanges of the {Count} events this service publishes")]
    private static partial void LogDeclared(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not declare this service's event exchanges yet; trying again in {Wait}")]
    private static partial void LogDeclareFailed(ILogger logger, Exception exception, TimeSpan wait);
}
