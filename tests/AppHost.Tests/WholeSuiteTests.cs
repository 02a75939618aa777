using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using InclusionServices.Tests;
using Npgsql;
using RabbitMQ.Client;

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
        // Kept in a folder only its owner may enter, as a clone in root's home is: PostgreSQL, run as the postgres
        // user when the tests run as root, must still find a cluster it can reach.
        var closed = Directory.CreateDirectory(Path.Combine(work, "closed"));
        if (!OperatingSystem.IsWindows())
        {
            closed.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
        var dataRoot = Path.Combine(closed.FullName, "apphost");
        string[] args =
        [
            "--Infrastructure:Mode=local",
            $"--Infrastructure:DataDirectory={dataRoot}",
            $"--Infrastructure:PostgresPort={FreePort()}",
            $"--Infrastructure:RabbitMqPort={amqpPort}",
            $"--Infrastructure:RabbitMqManagementPort={FreePort()}",
            $"--Authentication:Issuer={Tokens.Issuer}",
            $"--Authentication:Audience={Tokens.Audience}",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            args, (options, _) => options.DisableDashboard = true, timeout.Token);
        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            await RunsAsAnOperatorExpects(app, dataRoot, timeout.Token);
        }
        finally
        {
            await app.DisposeAsync();
            foreach (var cluster in SharedClusters)
            {
                Directory.Delete(cluster, recursive: true);
            }
        }
    }

    private static async Task RunsAsAnOperatorExpects(DistributedApplication app, string dataRoot, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

        foreach (var name in ServiceNames)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            using var channel = GrpcChannel.ForAddress(app.GetEndpoint(name, "grpc"));
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token);
            Assert.True(health.Status == HealthCheckResponse.Types.ServingStatus.Serving, $"{name}: {health.Status}");
        }

        // No key was given: the app host made one for this machine, beside the local data, and tokens are signed with it.
        var signingKey = (await File.ReadAllTextAsync(Path.Combine(dataRoot, "signing-key"), timeout.Token)).Trim();
        Metadata As(string role) => new() { { "Authorization", "Bearer " + Tokens.For(role, signingKey: signingKey) } };
        using var referrals = GrpcChannel.ForAddress(app.GetEndpoint("referrals", "grpc"));
        var schools = new Inclusion.Referrals.V1.Schools.SchoolsClient(referrals);
        var unauthenticated = await Assert.ThrowsAsync<RpcException>(() =>
            schools.ListSchoolsAsync(new Inclusion.Referrals.V1.ListSchoolsRequest(), cancellationToken: timeout.Token).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        var listed = await schools.ListSchoolsAsync(new Inclusion.Referrals.V1.ListSchoolsRequest(),
            As("officer"), cancellationToken: timeout.Token);
        Assert.Empty(listed.Schools);

        await EachServiceReachesOnlyItsOwnDatabaseAndExchanges(app, timeout.Token);
        SecretsAreReadableByTheirOwnerOnly(dataRoot);
        await PostgresKeepsItsClusterWhereItCanReachIt(app, dataRoot, timeout.Token);

        using var reporting = GrpcChannel.ForAddress(app.GetEndpoint("reporting", "grpc"));
        var summary = await new Inclusion.Reporting.V1.Reports.ReportsClient(reporting)
            .GetPreventionSummaryAsync(new Inclusion.Reporting.V1.ReportRequest { SchoolYearStart = 2025 }, As("analyst"), cancellationToken: timeout.Token);
        Assert.Equal(2025, summary.Scope.SchoolYearStart);
        Assert.Equal(["referrals", "meetings", "placements"], summary.Freshness.Producers.Select(p => p.Producer));

        await TheDashboardRebuildsReportingsReadModels(app, As("manager"), timeout.Token);
    }

    /// <summary>The operator's "Rebuild read models" command on the reporting resource starts a rebuild that succeeds.</summary>
    private static async Task TheDashboardRebuildsReportingsReadModels(DistributedApplication app, Metadata manager, CancellationToken cancellationToken)
    {
        var reportingResource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "reporting");
        var result = await app.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(reportingResource, "rebuild-read-models", cancellationToken);
        Assert.True(result.Success, result.Message);
        var name = System.Text.RegularExpressions.Regex.Match(result.Message ?? "", "rebuilds/[0-9a-f-]{36}").Value;
        using var channel = GrpcChannel.ForAddress(app.GetEndpoint("reporting", "grpc"));
        var readModels = new Inclusion.Reporting.V1.ReadModels.ReadModelsClient(channel);
        Inclusion.Reporting.V1.Rebuild rebuild;
        do
        {
            await Task.Delay(200, cancellationToken);
            rebuild = await readModels.GetRebuildAsync(new Inclusion.Reporting.V1.GetRebuildRequest { Name = name }, manager, cancellationToken: cancellationToken);
        }
        while (rebuild.State == Inclusion.Reporting.V1.RebuildState.Running);
        Assert.True(rebuild.State == Inclusion.Reporting.V1.RebuildState.Succeeded, rebuild.Error);
        Assert.Equal("dashboard-operator", rebuild.RequestedBy);
    }

    /// <summary>
    /// Hole 8: every service connected as the PostgreSQL superuser and one RabbitMQ administrator served all. Each
    /// now has a role owning only its database, and a broker account that may publish only its own events.
    /// </summary>
    private static async Task EachServiceReachesOnlyItsOwnDatabaseAndExchanges(DistributedApplication app, CancellationToken cancellationToken)
    {
        var referralsDb = new NpgsqlConnectionStringBuilder(await app.GetConnectionStringAsync("referralsdb", cancellationToken));
        Assert.Equal("referrals", referralsDb.Username);
        await using (var own = new NpgsqlConnection(referralsDb.ConnectionString))
        {
            await own.OpenAsync(cancellationToken);
            await using var owner = new NpgsqlCommand("SELECT tableowner FROM pg_tables WHERE tablename = 'pupils'", own);
            Assert.Equal("referrals", await owner.ExecuteScalarAsync(cancellationToken));
        }
        var elsewhere = new NpgsqlConnectionStringBuilder(referralsDb.ConnectionString) { Database = "meetingsdb" };
        await using (var other = new NpgsqlConnection(elsewhere.ConnectionString))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => other.OpenAsync(cancellationToken));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        var factory = new ConnectionFactory { Uri = new Uri((await app.GetConnectionStringAsync("referrals-broker", cancellationToken))!) };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            // Its own event's exchange: allowed.
            await channel.BasicPublishAsync("inclusion.events.v1.SchoolRegistered", "", Array.Empty<byte>(), cancellationToken);
        }
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            // Another service's: the broker closes the channel with ACCESS_REFUSED (403).
            await channel.ExchangeDeclarePassiveAsync("inclusion.events.v1.SchoolRegistered", cancellationToken);
            var forged = await Assert.ThrowsAnyAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(async () =>
            {
                await channel.ExchangeDeclareAsync("inclusion.events.v1.PanelSittingScheduled", "fanout", durable: true, cancellationToken: cancellationToken);
                await channel.BasicPublishAsync("inclusion.events.v1.PanelSittingScheduled", "", Array.Empty<byte>(), cancellationToken);
                await channel.BasicQosAsync(0, 1, false, cancellationToken); // a round trip that surfaces the closed channel
            });
            Assert.Equal(403, (int?)forged.ShutdownReason?.ReplyCode);
        }
    }

    /// <summary>
    /// As root the cluster cannot live in a folder the postgres user cannot enter: it goes under /var/lib, one folder per
    /// data folder, and the password stays beside the rest of the local data. As another user it stays there too.
    /// </summary>
    private static async Task PostgresKeepsItsClusterWhereItCanReachIt(DistributedApplication app, string dataRoot, CancellationToken cancellationToken)
    {
        var password = (await File.ReadAllTextAsync(Path.Combine(dataRoot, "postgres", "password"), cancellationToken)).Trim();
        var server = new NpgsqlConnectionStringBuilder(await app.GetConnectionStringAsync("referralsdb", cancellationToken))
        {
            Username = "postgres", Password = password, Database = "postgres",
        };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var show = new NpgsqlCommand("SHOW data_directory", connection);
        var cluster = (string)(await show.ExecuteScalarAsync(cancellationToken))!;
        if (Environment.IsPrivilegedProcess)
        {
            Assert.StartsWith("/var/lib/inclusion-services/", cluster, StringComparison.Ordinal);
            SharedClusters.Add(Path.GetDirectoryName(cluster)!);
        }
        else
        {
            Assert.StartsWith(dataRoot, cluster, StringComparison.Ordinal);
        }
    }

    /// <summary>Clusters this test made outside its own folder, removed once the suite has stopped.</summary>
    private static readonly List<string> SharedClusters = [];

    private static void SecretsAreReadableByTheirOwnerOnly(string dataRoot)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix file modes there
        }
        var secrets = new[] { "signing-key", "postgres/password", "rabbitmq/password", "rabbitmq/rabbitmq.conf", "rabbitmq/definitions.json",
            "secrets/referrals-database-password", "rabbitmq/referrals-password" };
        foreach (var secret in secrets)
        {
            var mode = File.GetUnixFileMode(Path.Combine(dataRoot, secret));
            Assert.True(mode == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{secret}: {mode}");
        }
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
