using Inclusion.Events.V1;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.EventBus;

/// <summary>
/// A consumer that applies each event at most once, however often the broker delivers it: the event id goes into
/// the inbox in the same transaction as the consumer's own changes, so a redelivery finds it there and changes
/// nothing. Competing instances on one queue are safe: the second insert of an id waits for the first to commit.
/// </summary>
public abstract class IdempotentConsumer<TEvent, TDatabase>(TDatabase database, TimeProvider time) : IConsumer<TEvent>
    where TEvent : class, IIntegrationEvent
    where TDatabase : ServiceDatabase
{
    protected TDatabase Database => database;

    /// <summary>The time events recorded by the consumer are stamped with.</summary>
    protected TimeProvider Time => time;

    public async Task Consume(ConsumeContext<TEvent> context)
    {
        var integrationEvent = context.Message;
        if (integrationEvent.Metadata is null || !Guid.TryParse(integrationEvent.Metadata.EventId, out var eventId))
        {
            throw new InvalidOperationException($"{typeof(TEvent).Name} has no event id in its metadata.");
        }
        if (!Concerns(integrationEvent))
        {
            return;
        }
        var consumer = GetType().Name;
        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        var firstDelivery = await database.Database.ExecuteSqlAsync(
            $"INSERT INTO inbox_events (event_id, consumer, received_at) VALUES ({eventId}, {consumer}, {time.GetUtcNow()}) ON CONFLICT DO NOTHING",
            context.CancellationToken) == 1;
        if (!firstDelivery)
        {
            return;
        }
        await ApplyAsync(integrationEvent, context.CancellationToken);
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
    }

    /// <summary>
    /// Whether the event can change anything here. One that cannot is acknowledged without a transaction or an inbox
    /// entry (a write and a flushed commit each): ignoring it again on a redelivery changes nothing either. Most of
    /// what a consumer receives can be this, such as every short suspension a consumer of permanent exclusions hears of.
    /// </summary>
    protected virtual bool Concerns(TEvent integrationEvent) => true;

    /// <summary>The consumer's effect, made through <see cref="Database"/>; saved and committed with the inbox entry.</summary>
    protected abstract Task ApplyAsync(TEvent integrationEvent, CancellationToken cancellationToken);
}
