using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Events.V1;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.EventBus;

/// <summary>
/// Serves a service's published events again, from a sequence number onwards: its outbox is its event log. Only
/// reporting jobs (service) and managers replay; analysts see aggregates, never per-pupil attributes.
/// </summary>
public sealed class EventHistoryApi<TDatabase>(TDatabase database, AuditTrail audit) : EventHistory.EventHistoryBase
    where TDatabase : ServiceDatabase
{
    private const int ReadBatch = 500;

    public override async Task StreamEvents(StreamEventsRequest request, IServerStreamWriter<EventRecord> responseStream,
        ServerCallContext context)
    {
        new RequestValidation().Check(request.AfterSequence >= 0, "after_sequence", "must not be negative").ThrowIfInvalid();
        // Events carry per-pupil report attributes: who streamed them is written down before the first is sent.
        audit.Note(AuditActions.Replayed, null, $"events after {request.AfterSequence}");
        await database.SaveChangesAsync(context.CancellationToken);
        // Everything committed before the replay started is in it, numbered, whether or not it has been published yet.
        await OutboxSchema.NumberCommittedEventsAsync(database, long.MaxValue, context.CancellationToken);
        var after = request.AfterSequence;
        while (true)
        {
            var rows = await database.OutboxEvents.AsNoTracking()
                .Where(e => e.Sequence > after)
                .OrderBy(e => e.Sequence)
                .Take(ReadBatch)
                .ToListAsync(context.CancellationToken);
            foreach (var row in rows)
            {
                var integrationEvent = row.ToEvent();
                await responseStream.WriteAsync(new EventRecord
                {
                    Sequence = row.Sequence,
                    EventType = row.EventType,
                    Event = Any.Pack(integrationEvent),
                    EventJson = EventJson.Formatter.Format(integrationEvent),
                }, context.CancellationToken);
            }
            if (rows.Count < ReadBatch)
            {
                return;
            }
            after = rows[^1].Sequence;
        }
    }
}
