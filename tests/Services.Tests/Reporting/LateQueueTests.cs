using System.Net;
using Inclusion.Referrals.V1;
using InclusionServices.Tests.Events;
using InclusionServices.Tests.Meetings;
using Microsoft.EntityFrameworkCore;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Reporting;

/// <summary>
/// Reporting starting while it cannot reach the broker, so its queue is not bound when Referrals publishes: the
/// event reaches no one, and no later event shows a gap.
/// </summary>
public sealed class LateQueueSuite : IAsyncLifetime
{
    public ReferralsOnKestrel Referrals { get; } = new();
    public ReportingUnderTest Reporting { get; } = new();
    public TcpRelay ReportingsBroker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var broker = new Uri(await TestServers.NewVirtualHostAsync("late-queue"));
        Referrals.BrokerConnectionString = broker.ToString();
        await ((IAsyncLifetime)Referrals).InitializeAsync();
        ReportingsBroker = new TcpRelay(new IPEndPoint(IPAddress.Loopback, broker.Port));
        ReportingsBroker.Start();
        ReportingsBroker.Cut();
        Reporting.BrokerConnectionString = new UriBuilder(broker) { Port = ReportingsBroker.Port }.Uri.ToString();
        Reporting.Settings["services:referrals:grpc:0"] = Referrals.GrpcAddress.ToString();
        Reporting.Settings["Rebuild:CatchUpInterval"] = "00:00:01";
        await ((IAsyncLifetime)Reporting).InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)Reporting).DisposeAsync();
        await ReportingsBroker.DisposeAsync();
        await ((IAsyncLifetime)Referrals).DisposeAsync();
    }
}

public sealed class LateQueueTests(LateQueueSuite suite) : IClassFixture<LateQueueSuite>
{
    [Fact]
    public async Task An_event_published_before_reportings_queue_was_bound_still_reaches_the_reports()
    {
        // Reporting's start-up catch-up runs (Referrals' history is reachable) while its bus cannot connect.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await RegisterSchoolAsync(suite.Referrals.Channel, "605001");
        await Eventually.HoldsAsync(() => suite.Referrals.WithDatabase(db => db.OutboxEvents.AllAsync(e => e.PublishedAt != null)),
            "Referrals has published the registration, to no queue of Reporting's");

        suite.ReportingsBroker.Start();

        await Eventually.HoldsAsync(() => suite.Reporting.WithDatabase(db => db.Schools.AnyAsync(s => s.Urn == "605001")),
            "Reporting has the school", describe: () => suite.Reporting.Logs.Describe("Reporting"));
    }
}
