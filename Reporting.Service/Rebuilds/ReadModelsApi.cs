using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.Reports;
using InclusionServices.Reporting.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InclusionServices.Reporting.Rebuilds;

/// <summary>gRPC surface of read-model rebuilds.</summary>
public sealed class ReadModelsApi(ReportingDatabase database, ReadModelRebuilder rebuilder, TimeProvider time) : ReadModels.ReadModelsBase
{
    public const string NamePrefix = "rebuilds/";

    public override async Task<Inclusion.Reporting.V1.Rebuild> RebuildReadModels(RebuildReadModelsRequest request, ServerCallContext context)
    {
        var rebuild = new Rebuild
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            State = RebuildState.Running,
            RequestedBy = InclusionClaims.CallerOf(context.GetHttpContext().User),
            StartedAt = time.GetUtcNow().ToStoredPrecision(),
            Replayed = FreshnessReader.Producers.ToDictionary(p => p, _ => 0L),
        };
        database.Rebuilds.Add(rebuild);
        try
        {
            await database.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateException running) when (running.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            var current = await database.Rebuilds.AsNoTracking().Where(r => r.State == RebuildState.Running).Select(r => r.Id)
                .FirstOrDefaultAsync(context.CancellationToken);
            throw new PreconditionFailedException($"A rebuild is under way ({NamePrefix}{current}); wait for it to finish.");
        }
        rebuilder.Start(rebuild.Id);
        return ToMessage(rebuild);
    }

    public override async Task<Inclusion.Reporting.V1.Rebuild> GetRebuild(GetRebuildRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(request.Name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var rebuild = await database.Rebuilds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, context.CancellationToken)
            ?? throw new RecordNotFoundException(request.Name);
        return ToMessage(rebuild);
    }

    private static Inclusion.Reporting.V1.Rebuild ToMessage(Rebuild rebuild)
    {
        var message = new Inclusion.Reporting.V1.Rebuild
        {
            Name = NamePrefix + rebuild.Id,
            State = (Inclusion.Reporting.V1.RebuildState)rebuild.State,
            RequestedBy = rebuild.RequestedBy,
            StartedAt = Timestamp.FromDateTimeOffset(rebuild.StartedAt),
            Error = rebuild.Error ?? "",
        };
        if (rebuild.FinishedAt is { } finished)
        {
            message.FinishedAt = Timestamp.FromDateTimeOffset(finished);
        }
        message.Producers.AddRange(rebuild.Replayed.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ProducerReplay { Producer = p.Key, EventsReplayed = p.Value }));
        return message;
    }
}
