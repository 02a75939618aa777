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
/// Referrals on real ports beside another service on one broker: the service finds Referrals by service discovery,
/// calls it as a service, and consumes its events. The service runs on a clock the tests may jump forward.
/// </summary>
public abstract class WithReferrals<TService>(TService service, string name) : IAsyncLifetime where TService : IAsyncLifetime
{
    public ReferralsOnKestrel Referrals { get; } = new();
    public FlowingClock Clock { get; } = new();
    protected TService Service { get; } = service;

    /// <summary>Settings the service needs beside its Referrals, the broker and the clock.</summary>
    protected abstract void Configure(TService service, string broker);

    public async Task InitializeAsync()
    {
        var broker = await TestServers.NewVirtualHostAsync(name);
        Referrals.BrokerConnectionString = broker;
        await ((IAsyncLifetime)Referrals).InitializeAsync();
        Configure(Service, broker);
        await Service.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await ((IAsyncLifetime)Referrals).DisposeAsync();
        Clock.Dispose();
    }
}

/// <summary>Meetings with Referrals beside it.</summary>
public sealed class MeetingsWithReferrals() : WithReferrals<MeetingsUnderTest>(new MeetingsUnderTest(), "meetings-suite")
{
    public MeetingsUnderTest Meetings => Service;

    protected override void Configure(MeetingsUnderTest meetings, string broker)
    {
        meetings.BrokerConnectionString = broker;
        meetings.Clock = Clock;
        meetings.Settings["services:referrals:grpc:0"] = Referrals.GrpcAddress.ToString();
        meetings.Settings["Meetings:OverdueCheckInterval"] = "00:00:00.200";
    }
}
