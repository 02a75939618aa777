extern alias MeetingsService;
extern alias PlacementsService;
extern alias ReportingService;

using InclusionServices.Tests.Meetings;
using MeetingsApi = MeetingsService::InclusionServices.Meetings.Meetings.MeetingsApi;
using MeetingsDatabase = MeetingsService::InclusionServices.Meetings.Storage.MeetingsDatabase;
using PlacementsDatabase = PlacementsService::InclusionServices.Placements.Storage.PlacementsDatabase;
using ProvidersApi = PlacementsService::InclusionServices.Placements.Providers.ProvidersApi;
using ReportingDatabase = ReportingService::InclusionServices.Reporting.Storage.ReportingDatabase;
using ReportsApi = ReportingService::InclusionServices.Reporting.Reports.ReportsApi;

namespace InclusionServices.Tests.Reporting;

/// <summary>Reporting on its own (no producers): for the access matrix, health and request checks.</summary>
public sealed class ReportingUnderTest() : ServiceUnderTest<ReportsApi, ReportingDatabase>(ReportingDatabase.ConnectionName);

public sealed class MeetingsOnKestrel() : ServiceUnderTest<MeetingsApi, MeetingsDatabase>(MeetingsDatabase.ConnectionName)
{
    protected override bool OnKestrel => true;
}

public sealed class PlacementsOnKestrel() : ServiceUnderTest<ProvidersApi, PlacementsDatabase>(PlacementsDatabase.ConnectionName)
{
    protected override bool OnKestrel => true;
}

/// <summary>
/// The whole suite on one broker: Referrals, Meetings and Placements on real ports (they call each other, and Reporting
/// replays their histories over the network), and Reporting reading their events. Every service runs on the real clock.
/// </summary>
public class ReportingSuite : IAsyncLifetime
{
    public ReferralsOnKestrel Referrals { get; } = new();
    public MeetingsOnKestrel Meetings { get; } = new();
    public PlacementsOnKestrel Placements { get; } = new();
    public ReportingUnderTest Reporting { get; } = new();

    public virtual async Task InitializeAsync()
    {
        var broker = await TestServers.NewVirtualHostAsync("reporting-suite");
        Referrals.BrokerConnectionString = broker;
        await ((IAsyncLifetime)Referrals).InitializeAsync();
        Meetings.BrokerConnectionString = broker;
        Meetings.Settings["services:referrals:grpc:0"] = Referrals.GrpcAddress.ToString();
        Meetings.Settings["Meetings:OverdueCheckInterval"] = "00:00:00.200";
        await ((IAsyncLifetime)Meetings).InitializeAsync();
        Placements.BrokerConnectionString = broker;
        Placements.Settings["services:referrals:grpc:0"] = Referrals.GrpcAddress.ToString();
        Placements.Settings["Placements:WatchInterval"] = "00:00:00.200";
        await ((IAsyncLifetime)Placements).InitializeAsync();
        Reporting.BrokerConnectionString = broker;
        Reporting.Settings["services:referrals:grpc:0"] = Referrals.GrpcAddress.ToString();
        Reporting.Settings["services:meetings:grpc:0"] = Meetings.GrpcAddress.ToString();
        Reporting.Settings["services:placements:grpc:0"] = Placements.GrpcAddress.ToString();
        Reporting.Settings["Rebuild:BatchSize"] = "50";
        Reporting.Settings["Rebuild:CatchUpInterval"] = "00:00:02";
        await ((IAsyncLifetime)Reporting).InitializeAsync();
    }

    /// <summary>Every warning and error the four services logged, for a failure message.</summary>
    public string DescribeLogs() => string.Join(Environment.NewLine,
        Referrals.Logs.Describe("Referrals"), Meetings.Logs.Describe("Meetings"), Placements.Logs.Describe("Placements"), Reporting.Logs.Describe("Reporting"));

    public virtual async Task DisposeAsync()
    {
        await ((IAsyncLifetime)Reporting).DisposeAsync();
        await ((IAsyncLifetime)Placements).DisposeAsync();
        await ((IAsyncLifetime)Meetings).DisposeAsync();
        await ((IAsyncLifetime)Referrals).DisposeAsync();
    }
}
