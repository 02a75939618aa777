using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Placements.V1;
using InclusionServices.Placements.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Provider = InclusionServices.Placements.Providers.Provider;
using ProviderMessage = Inclusion.Placements.V1.Provider;
using ProviderRegistration = InclusionServices.Placements.Providers.ProviderRegistration;

namespace InclusionServices.Placements.Providers;

/// <summary>gRPC surface of the alternative provision provider list.</summary>
public sealed class ProvidersApi(PlacementsDatabase database, TimeProvider time) : Inclusion.Placements.V1.Providers.ProvidersBase
{
    private const string NamePrefix = "providers/";

    public override async Task<ProviderMessage> CreateProvider(CreateProviderRequest request, ServerCallContext context)
    {
        var given = request.Provider ?? new ProviderMessage();
        var registrationSet = given.Registration != Inclusion.Placements.V1.ProviderRegistration.Unspecified
            && System.Enum.IsDefined(given.Registration);
        var registration = (ProviderRegistration)given.Registration;
        new RequestValidation()
            .RequireText(given.DisplayName, "provider.display_name", Provider.MaxNameLength)
            .Check(registrationSet, "provider.registration", "must be registered school or unregistered")
            .Check(!registrationSet || Provider.CapacityProblem(registration, given.Capacity) is null,
                "provider.capacity", Provider.CapacityProblem(registration, given.Capacity) ?? "")
            .OptionalRequestId(request.RequestId)
            .ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("providers", requestId, caller, context.CancellationToken) is { } earlier)
        {
            var earlierId = Guid.Parse(earlier);
            return ToMessage(await database.Providers.AsNoTracking().SingleAsync(p => p.Id == earlierId, context.CancellationToken));
        }
        var provider = Provider.Add(given.DisplayName, registration, given.Capacity);
        database.Providers.Add(provider);
        database.RememberCreate("providers", requestId, caller, provider.Id.ToString(), time.GetUtcNow());
        database.RecordEvent(new ProviderAdded
        {
            Provider = NamePrefix + provider.Id,
            RegisteredSchool = provider.Registration == ProviderRegistration.RegisteredSchool,
            Capacity = provider.Capacity,
        }, NamePrefix + provider.Id, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(provider);
    }

    public override async Task<ProviderMessage> GetProvider(GetProviderRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(request.Name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var provider = await database.Providers.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, context.CancellationToken);
        return provider is null ? throw new RecordNotFoundException(request.Name) : ToMessage(provider);
    }

    private static ProviderMessage ToMessage(Provider provider) => new()
    {
        Name = NamePrefix + provider.Id,
        DisplayName = provider.Name,
        Registration = (Inclusion.Placements.V1.ProviderRegistration)provider.Registration,
        Capacity = provider.Capacity,
    };
}
