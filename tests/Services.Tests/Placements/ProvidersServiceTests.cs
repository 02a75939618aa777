extern alias PlacementsService;

using Inclusion.Placements.V1;
using InclusionServices.ServiceDefaults;
using PlacementsDatabase = PlacementsService::InclusionServices.Placements.Storage.PlacementsDatabase;
using ProvidersApi = PlacementsService::InclusionServices.Placements.Providers.ProvidersApi;

namespace InclusionServices.Tests.Placements;

public sealed class PlacementsUnderTest() : ServiceUnderTest<ProvidersApi, PlacementsDatabase>(PlacementsDatabase.ConnectionName);

public sealed class ProvidersServiceTests(PlacementsUnderTest service) : IClassFixture<PlacementsUnderTest>
{
    private readonly Providers.ProvidersClient _providers = new(service.Channel);

    private Task<Provider> Add(ProviderRegistration registration, int capacity) =>
        _providers.CreateProviderAsync(new CreateProviderRequest
        {
            Provider = new Provider { DisplayName = "Pool Street Learning Centre", Registration = registration, Capacity = capacity },
        }, Tokens.Header(InclusionRoles.Manager)).ResponseAsync;

    [Fact]
    public async Task A_registered_provider_is_added_and_read_back()
    {
        var created = await Add(ProviderRegistration.RegisteredSchool, 40);

        var read = await _providers.GetProviderAsync(new GetProviderRequest { Name = created.Name },
            Tokens.Header(InclusionRoles.Officer));

        Assert.Equal(40, read.Capacity);
        Assert.Equal(ProviderRegistration.RegisteredSchool, read.Registration);
    }

    [Fact]
    public async Task An_unregistered_provider_cannot_offer_five_full_time_places()
    {
        Assert.Equal(4, (await Add(ProviderRegistration.Unregistered, 4)).Capacity);

        await RpcAssert.InvalidFields(() => Add(ProviderRegistration.Unregistered, 5), "provider.capacity");
    }

    [Fact]
    public async Task An_unknown_provider_is_not_found_and_a_malformed_name_is_invalid()
    {
        await RpcAssert.FailsWith(Grpc.Core.StatusCode.NotFound, () => _providers.GetProviderAsync(
            new GetProviderRequest { Name = $"providers/{Guid.NewGuid()}" }, Tokens.Header(InclusionRoles.Officer)).ResponseAsync);
        await RpcAssert.InvalidFields(() => _providers.GetProviderAsync(
            new GetProviderRequest { Name = "providers/12" }, Tokens.Header(InclusionRoles.Officer)).ResponseAsync, "name");
    }
}
