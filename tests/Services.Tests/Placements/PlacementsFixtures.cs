extern alias PlacementsService;

using InclusionServices.Tests.Meetings;
using PlacementsDatabase = PlacementsService::InclusionServices.Placements.Storage.PlacementsDatabase;
using ProvidersApi = PlacementsService::InclusionServices.Placements.Providers.ProvidersApi;

namespace InclusionServices.Tests.Placements;

/// <summary>Placements on its own: for providers, health and the access matrix.</summary>
public sealed class PlacementsUnderTest() : ServiceUnderTest<ProvidersApi, PlacementsDatabase>(PlacementsDatabase.ConnectionName);

/// <summary>Placements with Referrals beside it, on one broker and a clock the tests may jump.</summary>
public sealed class PlacementsWithReferrals() : WithReferrals<PlacementsUnderTest>(new PlacementsUnderTest(), "placements-suite")
{
    public PlacementsUnderTest Placements => Service;

    protected override void Configure(PlacementsUnderTest placements, string broker)
    {
        placements.BrokerConnectionString = broker;
        placements.Clock = Clock;
        placements.Settings["services:referrals:grpc:0"] = Referrals.GrpcAddress.ToString();
        placements.Settings["Placements:WatchInterval"] = "00:00:00.200";
    }
}
