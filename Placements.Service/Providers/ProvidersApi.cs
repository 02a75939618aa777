using System.Globalization;
using Grpc.Core;
using Inclusion.Events.V1;
using InclusionServices.Placements.Placements;
using InclusionServices.Placements.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Proto = Inclusion.Placements.V1;

namespace InclusionServices.Placements.Providers;

/// <summary>gRPC surface of providers: managers keep them; the team reads them with their live occupancy.</summary>
public sealed class ProvidersApi(PlacementsDatabase database, TimeProvider time) : Proto.Providers.ProvidersBase
{
    public const string NamePrefix = "providers/";

    public override async Task<Proto.Provider> CreateProvider(Proto.CreateProviderRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation().OptionalRequestId(request.RequestId);
        var details = ReadDetails(request.Provider ?? new Proto.Provider(), validation);
        validation.ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("providers", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return await ToMessageAsync(await FindAsync(NamePrefix + earlier, context.CancellationToken), context.CancellationToken);
        }
        var provider = Provider.Add(details);
        database.Providers.Add(provider);
        database.RememberCreate("providers", requestId, caller, provider.Id.ToString(), time.GetUtcNow());
        database.RecordEvent(new ProviderAdded
        {
            Provider = NamePrefix + provider.Id,
            RegisteredSchool = provider.Registration == ProviderRegistration.RegisteredSchool,
            Capacity = provider.Capacity,
            DisplayName = provider.Name,
        }, NamePrefix + provider.Id, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(provider, occupied: 0);
    }

    public override async Task<Proto.Provider> GetProvider(Proto.GetProviderRequest request, ServerCallContext context) =>
        await ToMessageAsync(await FindAsync(request.Name, context.CancellationToken), context.CancellationToken);

    public override async Task<Proto.Provider> UpdateProvider(Proto.UpdateProviderRequest request, ServerCallContext context)
    {
        var given = request.Provider ?? new Proto.Provider();
        var validation = new RequestValidation();
        var details = ReadDetails(given, validation);
        var etag = validation.Etag(given.Etag, "provider", "provider.etag");
        validation.ThrowIfInvalid();
        var provider = await FindAsync(given.Name, context.CancellationToken, tracked: true);
        if (provider.Version != etag)
        {
            throw new ConcurrentChangeException(given.Name);
        }
        database.Entry(provider).Property(p => p.Version).OriginalValue = etag;
        var before = (provider.Capacity, provider.Name);
        provider.Change(details);
        var occupied = await OccupancyAsync([provider.Id], context.CancellationToken);
        if (provider.Capacity != before.Capacity || provider.Name != before.Name)
        {
            PlacesChanged(database, provider, occupied.GetValueOrDefault(provider.Id), time.GetUtcNow());
        }
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(provider, occupied.GetValueOrDefault(provider.Id));
    }

    public override async Task<Proto.ListProvidersResponse> ListProviders(Proto.ListProvidersRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var query = database.Providers.AsNoTracking();
        if (page.After is not null)
        {
            var bar = page.After.LastIndexOf('|');
            var afterId = bar > 0 && Guid.TryParse(page.After.AsSpan(bar + 1), out var id) ? id
                : throw new RequestValidationException([new FieldViolation("page_token", "is not a token this service issued")]);
            var afterName = page.After[..bar];
            query = query.Where(p => string.Compare(p.Name, afterName) > 0 || (p.Name == afterName && p.Id.CompareTo(afterId) > 0));
        }
        var fetched = await query.OrderBy(p => p.Name).ThenBy(p => p.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, p => $"{p.Name}|{p.Id}");
        var occupied = await OccupancyAsync([.. items.Select(p => p.Id)], context.CancellationToken);
        var response = new Proto.ListProvidersResponse { NextPageToken = next };
        response.Providers.AddRange(items.Select(p => ToMessage(p, occupied.GetValueOrDefault(p.Id))));
        return response;
    }

    /// <summary>Places taken now at each provider: agreed and started placements.</summary>
    private async Task<Dictionary<Guid, int>> OccupancyAsync(IReadOnlyList<Guid> providers, CancellationToken cancellationToken) =>
        await database.Placements.AsNoTracking()
            .Where(p => p.ProviderId != null && providers.Contains(p.ProviderId.Value)
                && (p.Status == PlacementStatus.Agreed || p.Status == PlacementStatus.Started))
            .GroupBy(p => p.ProviderId!.Value)
            .Select(g => new { Provider = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Provider, g => g.Count, cancellationToken);

    internal static void PlacesChanged(PlacementsDatabase database, Provider provider, int occupied, DateTimeOffset now) =>
        database.RecordEvent(new ProviderPlacesChanged
        {
            Provider = NamePrefix + provider.Id, Capacity = provider.Capacity, Occupied = occupied, DisplayName = provider.Name,
        }, NamePrefix + provider.Id, now);

    private async Task<Provider> FindAsync(string name, CancellationToken cancellationToken, bool tracked = false)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var query = tracked ? database.Providers : database.Providers.AsNoTracking();
        return await query.SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw new RecordNotFoundException(name);
    }

    private static ProviderDetails ReadDetails(Proto.Provider given, RequestValidation validation)
    {
        var registered = given.Registration == Proto.ProviderRegistration.RegisteredSchool;
        validation
            .RequireText(given.DisplayName, "provider.display_name", Provider.MaxNameLength)
            .Check(given.Registration != Proto.ProviderRegistration.Unspecified && Enum.IsDefined(given.Registration), "provider.registration",
                "must be registered school or unregistered")
            .Check(Provider.CapacityProblem(given.Capacity) is null, "provider.capacity", Provider.CapacityProblem(given.Capacity) ?? "")
            .Check(given.Urn.Length == 0 || (given.Urn.Length == 6 && given.Urn.All(char.IsAsciiDigit)), "provider.urn", "must be a 6-digit URN")
            .Check(!registered || given.Urn.Length == 6, "provider.urn", "is required for a registered school")
            .Check(given.Phases.All(p => p != Proto.ProviderPhase.Unspecified && Enum.IsDefined(p)), "provider.phases", "must be primary or secondary")
            .Check(given.YoungestAge is >= 0 and <= 25 && given.OldestAge is >= 0 and <= 25 && given.YoungestAge <= given.OldestAge,
                "provider.oldest_age", "the ages must run from the youngest (0 to 25) to the oldest");
        var visit = given.LastQualityAssuranceVisit is null ? null : validation.RequireDate(given.LastQualityAssuranceVisit, "provider.last_quality_assurance_visit");
        validation.Check(given.ContactEmail.Length == 0 || given.ContactEmail.Contains('@', StringComparison.Ordinal), "provider.contact_email", "must be an email address");
        return new ProviderDetails(given.DisplayName, (ProviderRegistration)given.Registration, given.Capacity, Blank(given.Urn),
            [.. given.Phases.Select(p => (ProviderPhase)p)], given.YoungestAge == 0 && given.OldestAge == 0 ? null : given.YoungestAge,
            given.YoungestAge == 0 && given.OldestAge == 0 ? null : given.OldestAge, Blank(given.ContactName), Blank(given.ContactTelephone),
            Blank(given.ContactEmail), visit);
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private async Task<Proto.Provider> ToMessageAsync(Provider provider, CancellationToken cancellationToken) =>
        ToMessage(provider, (await OccupancyAsync([provider.Id], cancellationToken)).GetValueOrDefault(provider.Id));

    public static Proto.Provider ToMessage(Provider provider, int occupied)
    {
        var message = new Proto.Provider
        {
            Name = NamePrefix + provider.Id,
            DisplayName = provider.Name,
            Registration = (Proto.ProviderRegistration)provider.Registration,
            Capacity = provider.Capacity,
            Urn = provider.Urn ?? "",
            YoungestAge = provider.YoungestAge ?? 0,
            OldestAge = provider.OldestAge ?? 0,
            ContactName = provider.ContactName ?? "",
            ContactTelephone = provider.ContactTelephone ?? "",
            ContactEmail = provider.ContactEmail ?? "",
            LastQualityAssuranceVisit = provider.LastQualityAssuranceVisit?.ToProtoDate(),
            Occupied = occupied,
            Etag = provider.Version.ToString(CultureInfo.InvariantCulture),
        };
        message.Phases.AddRange(provider.Phases.Select(p => (Proto.ProviderPhase)p));
        return message;
    }
}
