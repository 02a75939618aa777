using System.Diagnostics.Metrics;
using InclusionServices.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace InclusionServices.EventBus;

/// <summary>
/// Counts and logs every event a consumer gave up on after its retries: MassTransit then moves it to the
/// endpoint's _error queue, with the exception in its MT-Fault-* headers, for someone to look at.
/// </summary>
public sealed partial class DeadLetterObserver : IConsumeObserver
{
    private readonly Counter<long> _deadLettered;
    private readonly ILogger<DeadLetterObserver> _logger;

    public DeadLetterObserver(IMeterFactory meters, ILogger<DeadLetterObserver> logger)
    {
        _logger = logger;
        _deadLettered = meters.Create(Telemetry.SourcePrefix + "EventBus")
            .CreateCounter<long>("inclusion.events.dead_lettered", "{event}", "Events moved to an error queue after retries");
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        _deadLettered.Add(1, new KeyValuePair<string, object?>("event_type", typeof(T).Name));
        LogDeadLettered(_logger, exception, typeof(T).Name, context.MessageId, context.ReceiveContext.InputAddress);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "{EventType} {MessageId} failed after its retries and goes to the error queue of {Queue}")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string eventType, Guid? messageId, Uri queue);
}
