extern alias ReportingService;

using System.Net;
using System.Text;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.EventBus;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Referrals;
using InclusionServices.Tests.Reporting;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using ReportingCalendar = ReportingService::InclusionServices.Reporting.ReadModel.ReportingCalendar;

namespace InclusionServices.Tests.Events;

/// <summary>
/// Referrals publishing SchoolRegistered through its outbox, reached through a relay that can be cut, and Reporting
/// consuming it, both on one virtual host of their own.
/// </summary>
public sealed class SchoolEventsBench : IAsyncLifetime
{
    public string Broker { get; private set; } = "";
    public TcpRelay Relay { get; private set; } = null!;
    public ReferralsUnderTest Referrals { get; } = new();
    public ReportingUnderTest Reporting { get; } = new();

    public async Task InitializeAsync()
    {
        Broker = await TestServers.NewVirtualHostAsync("school-events");
        var broker = new Uri(Broker);
        Relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, broker.Port));
        Relay.Start();
        Referrals.BrokerConnectionString = new UriBuilder(broker) { Port = Relay.Port }.Uri.ToString();
        Reporting.BrokerConnectionString = Broker;
        await ((IAsyncLifetime)Referrals).InitializeAsync();
        await ((IAsyncLifetime)Reporting).InitializeAsync();
        // Reporting's queue must be bound before the first event is published.
        var health = Reporting.CreateClient();
        await Eventually.HoldsAsync(async () => (await health.GetAsync("/health")).IsSuccessStatusCode, "Reporting is ready");
    }

    public async Task DisposeAsync()
    {
        await Relay.DisposeAsync();
        await ((IAsyncLifetime)Referrals).DisposeAsync();
        await ((IAsyncLifetime)Reporting).DisposeAsync();
    }
}

public sealed class SchoolEventsTests(SchoolEventsBench bench, ITestOutputHelper output) : IClassFixture<SchoolEventsBench>
{
    private const string Exchange = "inclusion.events.v1.SchoolRegistered";
    private readonly Schools.SchoolsClient _schools = new(bench.Referrals.Channel);

    private Task<School> Register(string urn, Inclusion.Referrals.V1.Phase phase = Inclusion.Referrals.V1.Phase.Primary) =>
        _schools.CreateSchoolAsync(new CreateSchoolRequest
        {
            School = new School { Urn = urn, DisplayName = "St Jude's C of E Primary", Phase = phase, Postcode = "WV3 9EN" },
        }, Tokens.Header(InclusionRoles.Manager)).ResponseAsync;

    private Task<int> ReportingSchoolsAsync(IReadOnlyCollection<string> urns) =>
        bench.Reporting.WithDatabase(db => db.Schools.CountAsync(s => urns.Contains(s.Urn)));

    [Fact]
    public async Task With_the_broker_unreachable_200_registrations_succeed_and_all_200_events_arrive_once_it_is_back()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(bench.Broker);
        var counted = await plain.BindQueueAsync(Exchange);
        var urns = Enumerable.Range(0, 200).Select(i => $"3{i:00000}").ToList();

        bench.Relay.Cut();
        foreach (var urn in urns)
        {
            await Register(urn);
        }
        var pending = await bench.Referrals.WithDatabase(db => db.OutboxEvents.CountAsync(e => e.PublishedAt == null));
        Assert.Equal(200, pending);
        bench.Relay.Start();

        var received = new List<RabbitMQ.Client.BasicGetResult>();
        await Eventually.HoldsAsync(async () =>
        {
            received.AddRange(await plain.DrainAsync(counted));
            return await ReportingSchoolsAsync(urns) == 200 && received.Count >= 200;
        }, "Reporting has all 200 schools", seconds: 90);
        await Task.Delay(500);
        received.AddRange(await plain.DrainAsync(counted));

        Assert.Equal(200, received.Count);
        Assert.Equal(200, received.Select(m => m.BasicProperties.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_plain_rabbitmq_client_decodes_a_published_event_from_the_proto_alone()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(bench.Broker);
        var queue = await plain.BindQueueAsync(Exchange);

        await Register("410001", Inclusion.Referrals.V1.Phase.Special);

        var messages = new List<RabbitMQ.Client.BasicGetResult>();
        await Eventually.HoldsAsync(async () => (messages = await plain.DrainAsync(queue)).Count > 0, "the event arrived");
        var message = Assert.Single(messages);
        Assert.Equal("application/json", message.BasicProperties.ContentType);
        var json = Encoding.UTF8.GetString(message.Body.Span);
        output.WriteLine(json);
        var registered = Google.Protobuf.JsonParser.Default.Parse<SchoolRegistered>(json);

        Assert.Equal("410001", registered.SchoolUrn);
        Assert.Equal(SchoolPhase.Special, registered.Phase);
        Assert.Equal("referrals", registered.Metadata.Producer);
        Assert.Equal("schools/410001", registered.Metadata.Subject);
        Assert.True(registered.Metadata.Sequence > 0);
        Assert.True(Guid.TryParse(registered.Metadata.EventId, out _));
        Assert.Equal(registered.Metadata.EventId, Guid.Parse(message.BasicProperties.MessageId!).ToString());
        Assert.DoesNotContain("St Jude", json, StringComparison.Ordinal);
        Assert.DoesNotContain("WV3", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fresh_consumer_replaying_the_history_reaches_the_same_state_as_the_live_one()
    {
        await Register("420001", Inclusion.Referrals.V1.Phase.Secondary);
        await Register("420002", Inclusion.Referrals.V1.Phase.AlternativeProvision);
        await Register("420003", Inclusion.Referrals.V1.Phase.Primary);

        var history = new EventHistory.EventHistoryClient(bench.Referrals.Channel);
        var replayed = new Dictionary<string, string>();
        var lastSequence = 0L;
        using (var call = history.StreamEvents(new StreamEventsRequest(), Tokens.Header(InclusionRoles.Service)))
        {
            await foreach (var record in call.ResponseStream.ReadAllAsync())
            {
                Assert.True(record.Sequence > lastSequence, "history streams in sequence order");
                lastSequence = record.Sequence;
                // History is in sequence order, so the last event about a school gives its phase.
                if (record.Event.TryUnpack<SchoolRegistered>(out var registered))
                {
                    Assert.Equal(record.Sequence, registered.Metadata.Sequence);
                    replayed[registered.SchoolUrn] = ReportingCalendar.PhaseGroupOf(registered.Phase).ToString();
                }
                else if (record.Event.TryUnpack<SchoolUpdated>(out var updated))
                {
                    replayed[updated.SchoolUrn] = ReportingCalendar.PhaseGroupOf(updated.Phase).ToString();
                }
            }
        }

        await Eventually.HoldsAsync(async () =>
        {
            var caughtUp = await bench.Reporting.WithDatabase(db => db.Schools.ToDictionaryAsync(s => s.Urn, s => s.Phase.ToString()));
            return replayed.All(p => caughtUp.TryGetValue(p.Key, out var phase) && phase == p.Value);
        }, "the live consumer has caught up");
        var live = await bench.Reporting.WithDatabase(db => db.Schools.ToDictionaryAsync(s => s.Urn, s => s.Phase.ToString()));
        Assert.Equal(replayed.OrderBy(p => p.Key), live.OrderBy(p => p.Key));
        Assert.Contains("420002", replayed.Keys);

        var resumed = history.StreamEvents(new StreamEventsRequest { AfterSequence = lastSequence - 1 }, Tokens.Header(InclusionRoles.Service));
        Assert.Equal([lastSequence], await resumed.ResponseStream.ReadAllAsync().Select(r => r.Sequence).ToListAsync());
    }

    [Fact]
    public async Task One_trace_runs_from_the_registration_call_through_the_publish_to_the_consumer()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) =>
                System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = seen.Add,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        await Register("430001");
        await Eventually.HoldsAsync(async () => await ReportingSchoolsAsync(["430001"]) == 1, "Reporting has the school");
        await Eventually.HoldsAsync(() => Task.FromResult(seen.Any(IsConsume)), "the consume span ended");

        var publish = seen.Single(a => a.OperationName == $"publish {Exchange}"
            && seen.Any(consume => IsConsume(consume) && consume.TraceId == a.TraceId)
            && seen.Any(call => call.Kind == System.Diagnostics.ActivityKind.Server && call.TraceId == a.TraceId
                && call.DisplayName.Contains("CreateSchool", StringComparison.Ordinal)));
        Assert.NotEqual(default, publish.ParentSpanId);

        static bool IsConsume(System.Diagnostics.Activity activity) =>
            activity.Source.Name == "MassTransit" && activity.Kind == System.Diagnostics.ActivityKind.Consumer;
    }

    [Fact]
    public async Task A_change_of_phase_in_referrals_reaches_reportings_school_list()
    {
        var school = await Register("440001", Inclusion.Referrals.V1.Phase.Secondary);
        await Eventually.HoldsAsync(async () => await ReportingSchoolsAsync(["440001"]) == 1, "Reporting has the school");

        school.Phase = Inclusion.Referrals.V1.Phase.Primary;
        await _schools.UpdateSchoolAsync(new UpdateSchoolRequest { School = school }, Tokens.Header(InclusionRoles.Manager));

        await Eventually.HoldsAsync(() => bench.Reporting.WithDatabase(db =>
            db.Schools.AnyAsync(s => s.Urn == "440001" && s.Phase == ReportingService::InclusionServices.Reporting.ReadModel.ReportPhase.Primary)),
            "Reporting moved the school to primary");
    }

    [Fact]
    public async Task The_history_is_not_for_school_users()
    {
        var history = new EventHistory.EventHistoryClient(bench.Referrals.Channel);
        using var call = history.StreamEvents(new StreamEventsRequest(), Tokens.Header(InclusionRoles.School, "410001"));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () => await call.ResponseStream.MoveNext());
    }
}
