using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using InclusionServices.Tests;

namespace InclusionServices.AppHost.Tests;

/// <summary>
/// The app host as an operator runs it, with its own local PostgreSQL and RabbitMQ on free ports and data in a
/// throwaway folder, so it never disturbs a suite started with ./run.sh.
/// </summary>
public sealed class WholeSuiteTests
{
    private static readonly string[] ServiceNames = ["referrals", "meetings", "placements", "reporting"];

    [Fact]
    public async Task Every_service_reports_serving_and_answers_an_authenticated_call()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var work = Environment.GetEnvironmentVariable("INCLUSION_TEST_WORK") is { Length: > 0 } folder
            ? folder
            : throw new InvalidOperationException("INCLUSION_TEST_WORK is not set: run the tests with ./test.sh.");
        // RabbitMQ also listens on its AMQP port + 2 (Erlang distribution): both must be free.
        var amqpPort = FreePort();
        while (!IsFree(amqpPort + 2))
        {
            amqpPort = FreePort();
        }
        string[] args =
        [
            "--Infrastructure:Mode=local",
            $"--Infrastructure:DataDirectory={Path.Combine(work, "apphost")}",
            $"--Infrastructure:PostgresPort={FreePort()}",
            $"--Infrastructure:RabbitMqPort={amqpPort}",
            $"--Infrastructure:RabbitMqManagementPort={FreePort()}",
            $"--Authentication:SigningKey={Tokens.SigningKey}",
            $"--Authentication:Issuer={Tokens.Issuer}",
            $"--Authentication:Audience={Tokens.Audience}",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            args, (options, _) => options.DisableDashboard = true, timeout.Token);
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        foreach (var name in ServiceNames)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            using var channel = GrpcChannel.ForAddress(app.GetEndpoint(name, "grpc"));
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token);
            Assert.True(health.Status == HealthCheckResponse.Types.ServingStatus.Serving, $"{name}: {health.Status}");
        }

        using var referrals = GrpcChannel.ForAddress(app.GetEndpoint("referrals", "grpc"));
        var schools = new Inclusion.Referrals.V1.Schools.SchoolsClient(referrals);
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(() =>
            schools.ListSchoolsAsync(new Inclusion.Referrals.V1.ListSchoolsRequest(), cancellationToken: timeout.Token).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        var listed = await schools.ListSchoolsAsync(new Inclusion.Referrals.V1.ListSchoolsRequest(),
            Tokens.Header("officer"), cancellationToken: timeout.Token);
        Assert.Empty(listed.Schools);

        using var reporting = GrpcChannel.ForAddress(app.GetEndpoint("reporting", "grpc"));
        var summary = await new Inclusion.Reporting.V1.ExclusionPreventionReports.ExclusionPreventionReportsClient(reporting)
            .GetExclusionPreventionSummaryAsync(new Inclusion.Reporting.V1.GetExclusionPreventionSummaryRequest { SchoolYearStart = 2025 },
                Tokens.Header("analyst"), cancellationToken: timeout.Token);
        Assert.Equal(2025, summary.SchoolYearStart);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
