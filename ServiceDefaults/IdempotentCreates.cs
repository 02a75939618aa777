using Microsoft.EntityFrameworkCore;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// A create made with a client request_id (AIP-155), remembered for the caller who sent it and the kind of record,
/// in the same transaction as the record: a repeat by the same caller returns that record; another caller's use of
/// the same request_id is a new request of theirs and can never reach the first caller's record.
/// </summary>
public sealed class IdempotentRequest
{
    public string Caller { get; set; } = "";
    public string ResourceType { get; set; } = "";
    public Guid RequestId { get; set; }
    /// <summary>The record made: its id (or URN) within <see cref="ResourceType"/>.</summary>
    public string ResourceId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public static class IdempotentCreates
{
    public const string TableName = "idempotent_requests";

    /// <summary>The request_id as a UUID, or null when none was sent (check it first with OptionalRequestId).</summary>
    public static Guid? RequestIdOf(string? requestId) => Guid.TryParse(requestId, out var id) ? id : null;

    /// <summary>The id of the record this caller's earlier create of this kind with this request_id made, if any.</summary>
    public static async Task<string?> EarlierCreateAsync<TContext>(this TContext database, string resourceType, Guid? requestId, string caller,
        CancellationToken cancellationToken) where TContext : DbContext
    {
        if (database.GetType() != typeof(TContext))
        {
            // Called through a base type, one compiled query would meet several services' models in one process.
            throw new InvalidOperationException($"Ask for earlier creates through the service's own database type, not {typeof(TContext).Name}.");
        }
        return requestId is null ? null : await Compiled<TContext>.EarlierCreate(database, resourceType, requestId.Value, caller, cancellationToken);
    }

    /// <summary>
    /// Every create asks this first: compiled once rather than translated on each call (several per cent of Referrals'
    /// CPU while recording exclusions). A compiled query serves one model, so each service's database has its own.
    /// </summary>
    private static class Compiled<TContext> where TContext : DbContext
    {
        public static readonly Func<TContext, string, Guid, string, CancellationToken, Task<string?>> EarlierCreate =
            EF.CompileAsyncQuery((TContext database, string resourceType, Guid requestId, string caller, CancellationToken _) =>
                database.Set<IdempotentRequest>().AsNoTracking()
                    .Where(r => r.Caller == caller && r.ResourceType == resourceType && r.RequestId == requestId)
                    .Select(r => (string?)r.ResourceId)
                    .SingleOrDefault());
    }

    /// <summary>Remembers a create, to be saved with the record it made.</summary>
    public static void RememberCreate(this DbContext database, string resourceType, Guid? requestId, string caller, string resourceId,
        DateTimeOffset now)
    {
        if (requestId is { } id)
        {
            database.Set<IdempotentRequest>().Add(new IdempotentRequest
            {
                Caller = caller, ResourceType = resourceType, RequestId = id, ResourceId = resourceId, CreatedAt = now,
            });
        }
    }

    public static ModelBuilder AddIdempotentRequests(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<IdempotentRequest>(request =>
        {
            request.ToTable(TableName);
            request.HasKey(r => new { r.Caller, r.ResourceType, r.RequestId });
            request.Property(r => r.Caller).HasMaxLength(200);
            request.Property(r => r.ResourceType).HasMaxLength(50);
            request.Property(r => r.ResourceId).HasMaxLength(100);
        });
        return modelBuilder;
    }
}
