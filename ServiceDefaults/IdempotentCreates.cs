using Microsoft.EntityFrameworkCore;

namespace InclusionServices.ServiceDefaults;

/// <summary>A record made by a create RPC that carried a client request_id (AIP-155).</summary>
public interface ICreatedOnRequest
{
    Guid? CreateRequestId { get; }
}

/// <summary>Repeated creates with the same request_id return the first result instead of making a second record.</summary>
public static class IdempotentCreates
{
    /// <summary>The request_id as a UUID, or null when none was sent (check it first with OptionalRequestId).</summary>
    public static Guid? RequestIdOf(string? requestId) => Guid.TryParse(requestId, out var id) ? id : null;

    /// <summary>The record an earlier create with this request_id made, if any.</summary>
    public static async Task<T?> EarlierCreateAsync<T>(this IQueryable<T> records, Guid? requestId, CancellationToken cancellationToken)
        where T : class, ICreatedOnRequest =>
        requestId is null
            ? null
            : await records.AsNoTracking().SingleOrDefaultAsync(r => r.CreateRequestId == requestId, cancellationToken);
}
