using System.Collections.Concurrent;
using Inclusion.Events.V1;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace InclusionServices.Tests.Events;

/// <summary>ExclusionChanged events as Referrals would publish them, for consumers tested without it.</summary>
public static class ExclusionEvents
{
    public const string Exchange = "inclusion.events.v1.ExclusionChanged";

    /// <summary>A step of a new exclusion of <paramref name="pupil"/>; a sixth day is owed only when one is given.</summary>
    public static ExclusionChanged Changed(ExclusionStep step, ExclusionEventKind kind, string pupil, string schoolUrn, string sixthDayDue = "") => new()
    {
        Metadata = new EventMetadata { EventId = Guid.NewGuid().ToString(), Producer = "referrals", Sequence = 1, Subject = "exclusions/x" },
        Exclusion = "exclusions/" + Guid.NewGuid(), Step = step, Kind = kind, StartDate = "2026-01-12", Sessions = 2,
        SixthDayProvisionDue = sixthDayDue, SixthDayProvisionHolder = sixthDayDue.Length > 0 ? "School" : "",
        SixthDayCountedFrom = sixthDayDue.Length > 0 ? "2026-01-12" : "",
        Pupil = new PupilReportAttributes { Pupil = pupil, SchoolUrn = schoolUrn, Phase = SchoolPhase.Secondary, YearGroup = 9 },
    };

    public static async Task PublishAsync(PlainRabbitMq broker, params ExclusionChanged[] events)
    {
        foreach (var changed in events)
        {
            await broker.PublishJsonAsync(Exchange, Google.Protobuf.JsonFormatter.Default.Format(changed), changed.Metadata.EventId);
        }
    }
}

/// <summary>
/// The messages a service's bus has finished consuming without a fault, by message id (an event's id, as published):
/// proof that an event a consumer ignored was handled, not lost on the way.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver, IDisposable
{
    private readonly ConcurrentDictionary<Guid, bool> _consumed = new();
    private ConnectHandle? _observing;

    /// <summary>Starts watching the bus of a running service.</summary>
    public static ConsumedMessages On(IServiceProvider service)
    {
        var watcher = new ConsumedMessages();
        watcher._observing = service.GetRequiredService<IBus>().ConnectConsumeObserver(watcher);
        return watcher;
    }

    public bool Consumed(EventMetadata metadata) => _consumed.ContainsKey(Guid.Parse(metadata.EventId));

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id)
        {
            _consumed[id] = true;
        }
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public void Dispose() => _observing?.Disconnect();
}
