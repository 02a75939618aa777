extern alias MeetingsService;
extern alias ReferralsService;

using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using InclusionServices.Tests.Meetings;
using InclusionServices.Tests.Placements;
using InclusionServices.Tests.Referrals;
using InclusionServices.Tests.Reporting;
using SchoolsApi = ReferralsService::InclusionServices.Referrals.Schools.SchoolsApi;

namespace InclusionServices.Tests.Platform;

/// <summary>Every service answers the standard health and reflection services without a token.</summary>
public sealed class ServiceHealthTests(
    ReferralsUnderTest referrals, MeetingsUnderTest meetings, PlacementsUnderTest placements, ReportingUnderTest reporting)
    : IClassFixture<ReferralsUnderTest>, IClassFixture<MeetingsUnderTest>, IClassFixture<PlacementsUnderTest>,
      IClassFixture<ReportingUnderTest>
{
    private IEnumerable<(string Area, GrpcChannel Channel, HttpClient Http)> Services() =>
    [
        ("referrals", referrals.Channel, referrals.CreateClient()),
        ("meetings", meetings.Channel, meetings.CreateClient()),
        ("placements", placements.Channel, placements.CreateClient()),
        ("reporting", reporting.Channel, reporting.CreateClient()),
    ];

    [Fact]
    public async Task Each_service_reports_serving_when_its_database_and_the_broker_are_reachable()
    {
        foreach (var (area, channel, http) in Services())
        {
            // A service is NOT_SERVING until its bus has connected (a second or two after start on a busy machine).
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            for (var attempt = 0; attempt < 50 && reply.Status != HealthCheckResponse.Types.ServingStatus.Serving; attempt++)
            {
                await Task.Delay(200);
                reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            }
            Assert.True(reply.Status == HealthCheckResponse.Types.ServingStatus.Serving, $"{area}: {reply.Status}");
            Assert.Equal("Healthy", await http.GetStringAsync("/health"));
            Assert.Equal("Healthy", await http.GetStringAsync("/alive"));
        }
    }

    [Fact]
    public async Task Each_service_lists_its_own_api_through_reflection()
    {
        foreach (var (area, channel, _) in Services())
        {
            using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
            Assert.Contains(names, name => name.StartsWith($"inclusion.{area}.v1.", StringComparison.Ordinal));
            Assert.Contains("grpc.health.v1.Health", names);
        }
    }
}

/// <summary>A Referrals service on a database given by connection string, on the shared broker (no consumers needed).</summary>
public abstract class ReferralsOnDatabase(string connectionString) : WebApplicationFactory<SchoolsApi>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:referralsdb", connectionString);
        builder.UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq);
        foreach (var (key, value) in Tokens.ServiceSettings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>A Referrals service whose database does not exist: it must say so rather than claim to serve.</summary>
public sealed class ReferralsWithoutDatabase() : ReferralsOnDatabase(TestServers.NewDatabase("never_created"));

public sealed class UnreachableDatabaseTests(ReferralsWithoutDatabase service) : IClassFixture<ReferralsWithoutDatabase>
{
    [Fact]
    public async Task Health_is_not_serving_and_readiness_fails_while_liveness_holds()
    {
        using var channel = GrpcChannel.ForAddress(service.Server.BaseAddress,
            new GrpcChannelOptions { HttpHandler = service.Server.CreateHandler() });

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, reply.Status);
        var http = service.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
    }
}

/// <summary>A Referrals service whose PostgreSQL is down (nothing listens on its port).</summary>
public sealed class ReferralsWithDatabaseDown()
    : ReferralsOnDatabase("Host=127.0.0.1;Port=9;Username=referrals;Password=x;Database=referralsdb;Timeout=3");

public sealed class DatabaseDownTests(ReferralsWithDatabaseDown service) : IClassFixture<ReferralsWithDatabaseDown>
{
    [Fact]
    public async Task A_call_while_the_database_is_down_is_unavailable_and_retryable_not_internal()
    {
        using var channel = GrpcChannel.ForAddress(service.Server.BaseAddress,
            new GrpcChannelOptions { HttpHandler = service.Server.CreateHandler() });
        var schools = new Inclusion.Referrals.V1.Schools.SchoolsClient(channel);

        var write = await RpcAssert.FailsWith(Grpc.Core.StatusCode.Unavailable, () => schools.CreateSchoolAsync(new Inclusion.Referrals.V1.CreateSchoolRequest
        {
            School = new Inclusion.Referrals.V1.School { Urn = "604601", DisplayName = "Down School", Phase = Inclusion.Referrals.V1.Phase.Primary, Postcode = "WV1 1AA" },
        }, Tokens.Header(InclusionServices.ServiceDefaults.InclusionRoles.Manager)).ResponseAsync);
        Assert.Contains("Retry", write.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.FailsWith(Grpc.Core.StatusCode.Unavailable, () => schools.ListSchoolsAsync(new Inclusion.Referrals.V1.ListSchoolsRequest(),
            Tokens.Header(InclusionServices.ServiceDefaults.InclusionRoles.Officer)).ResponseAsync);
    }
}
