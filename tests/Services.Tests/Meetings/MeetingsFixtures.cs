extern alias MeetingsService;
extern alias ReferralsService;

using InclusionServices.Tests.Referrals;
using MeetingsApi = MeetingsService::InclusionServices.Meetings.Meetings.MeetingsApi;
using MeetingsDatabase = MeetingsService::InclusionServices.Meetings.Storage.MeetingsDatabase;
using ReferralsDatabase = ReferralsService::InclusionServices.Referrals.Storage.ReferralsDatabase;
using SchoolsApi = ReferralsService::InclusionServices.Referrals.Schools.SchoolsApi;

namespace InclusionServices.Tests.Meetings;

/// <summary>Meetings on its own (no Referrals to call): for the schedule of panel sittings, health and the access matrix.</summary>
public sealed class MeetingsUnderTest() : ServiceUnderTest<MeetingsApi, MeetingsDatabase>(MeetingsDatabase.ConnectionName);

/// <summary>Referrals on real ports, so that another service calls it over the network as in the suite.</summary>
public sealed class ReferralsOnKestrel() : ServiceUnderTest<SchoolsApi, ReferralsDatabase>(ReferralsDatabase.ConnectionName)
{
    protected override bool OnKestrel => true;
}

/// <summary>
/// Referrals and Meetings on one broker: Meetings finds Referrals by service discovery and calls it as a service,
/// and consumes its events. Meetings runs on a clock the tests may jump forward.
/// </summary>
public sealed class MeetingsWithReferrals : IAsyncLifetime
{
    public ReferralsOnKestrel Referrals { get; } = new();
    public MeetingsUnderTest Meetings { get; } = new();
    public FlowingClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        var broker = await TestServers.NewVirtualHostAsync("meetings-suite");
        Referrals.BrokerConnectionString = broker;
        await ((IAsyncLifetime)Referrals).InitializeAsync();
        Meetings.BrokerConnectionString = broker;
        Meetings.Clock = Clock;
        Meetings.Settings["services:referrals:grpc:0"] = Referrals.GrpcAddress.ToString();
        Meetings.Settings["Meetings:OverdueCheckInterval"] = "00:00:00.200";
        await ((IAsyncLifetime)Meetings).InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)Meetings).DisposeAsync();
        await ((IAsyncLifetime)Referrals).DisposeAsync();
        Clock.Dispose();
    }
}
