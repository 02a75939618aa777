using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Events.V1;
using InclusionServices.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.EventBus;

/// <summary>Serves a service's published events again, from a sequence number onwards: its outbox is its event log.</summary>
[Authorize(Roles = $"{InclusionRoles.Service},{InclusionRoles.Manager},{InclusionRoles.Analyst}")]
public sealed class EventHistoryApi<TDatabase>(TDatabase database) : EventHistory.EventHistoryBase
    where TDatabase : ServiceDatabase
{
    private const int ReadBatch = 500;

    public override async Task StreamEvents(StreamEventsRequest request, IServerStreamWriter<EventRecord> responseStream,
        ServerCallContext context)
    {
        new RequestValidation().Check(request.AfterSequence >= 0, "after_sequence", "must not be negative").ThrowIfInvalid();
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
                await responseStream.WriteAsync(new EventRecord
                {
                    Sequence = row.Sequence,
                    EventType = row.EventType,
                    Event = Any.Pack(row.ToEvent()),
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
