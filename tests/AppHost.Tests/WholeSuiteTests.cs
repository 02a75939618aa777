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
            args, (options, _) => options.DisableDashboard = false, timeout.Token);
        var app = await builder.BuildAsync(timeout.Token);
        // Each resource's latest state, so a start that never finishes fails saying which resource it waited on.
        var states = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        _ = Task.Run(async () =>
        {
            await foreach (var change in app.ResourceNotifications.WatchAsync(timeout.Token))
            {
                states[change.Resource.Name] = change.Snapshot.State?.Text ?? "(no state)";
            }
        }, timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            await RunsAsAnOperatorExpects(app, dataRoot, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail("The suite did not come up within 4 minutes. Resources: "
                + string.Join(", ", states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}")));
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

        await TheDashboardOfAFreshStartShowsNoErrors(await DashboardLoginAsync(app, timeout.Token), timeout.Token);

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

        await TheDashboardMintsATokenThatEveryHttpApiAccepts(app, timeout.Token);
        await TheDashboardSeedsTheDemoYearOnce(app, As("manager"), timeout.Token);
        await TheDashboardRebuildsReportingsReadModels(app, As("manager"), timeout.Token);
    }

    /// <summary>The login link ./run.sh prints: the dashboard's address with the browser token the app host gave it.</summary>
    private static async Task<string> DashboardLoginAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var dashboard = await app.ResourceNotifications.WaitForResourceAsync("aspire-dashboard",
            e => e.Snapshot.EnvironmentVariables.Any(v => v.Name == "DASHBOARD__FRONTEND__BROWSERTOKEN" && v.Value is { Length: > 0 })
                && e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
        string Setting(string name) => dashboard.Snapshot.EnvironmentVariables.Single(v => v.Name == name).Value!;
        return $"{Setting("DASHBOARD__FRONTEND__PUBLICURL").TrimEnd('/')}/login?t={Setting("DASHBOARD__FRONTEND__BROWSERTOKEN")}";
    }

    /// <summary>
    /// An operator's first look: logged in to the dashboard with its token, every resource is Running (or Finished, for
    /// the migration steps), none unhealthy or waiting, and no resource carries an error-log badge (the badge links to
    /// that resource's structured logs filtered to errors).
    /// </summary>
    private static async Task TheDashboardOfAFreshStartShowsNoErrors(string login, CancellationToken cancellationToken)
    {
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new Microsoft.Playwright.BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Args = ["--no-sandbox", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync(new Microsoft.Playwright.BrowserNewPageOptions { ViewportSize = new() { Width = 1600, Height = 1000 } });
        await page.GotoAsync(login);
        string[] resources = [.. ServiceNames, .. ServiceNames.Select(s => s + "-migrations")];
        var text = "";
        for (var attempt = 0; attempt < 60; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            text = await page.InnerTextAsync("body");
            if (resources.All(r => text.Contains(r, StringComparison.Ordinal)) && !text.Contains("Starting", StringComparison.Ordinal)
                && !text.Contains("Waiting", StringComparison.Ordinal))
            {
                break;
            }
            await Task.Delay(500, cancellationToken);
        }
        // Telemetry from the last moments of start-up reaches the dashboard a little later.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        text = await page.InnerTextAsync("body");
        Assert.All(resources, r => Assert.Contains(r, text, StringComparison.Ordinal));
        foreach (var trouble in new[] { "Failed", "Exited", "Unhealthy", "Waiting", "Starting", "Not started" })
        {
            Assert.False(text.Contains(trouble, StringComparison.Ordinal), $"The dashboard shows \"{trouble}\":\n{text}");
        }
        Assert.True(text.Contains("Running", StringComparison.Ordinal) && text.Contains("Finished", StringComparison.Ordinal), text);
        var errorBadges = await page.Locator("a[href*='level=error']").AllInnerTextsAsync();
        Assert.True(errorBadges.Count == 0, $"Error badges on the dashboard: {string.Join(", ", errorBadges)}");
    }

    private static Task<ExecuteCommandResult> CommandAsync(DistributedApplication app, string resource, string command, CancellationToken cancellationToken,
        params (string Name, string Value)[] arguments) =>
        app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(
            app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource), command,
            new InteractionInputCollection([.. arguments.Select(a => new InteractionInput { Name = a.Name, InputType = InputType.Text, Value = a.Value })]),
            cancellationToken);

    /// <summary>
    /// "Mint a token" gives an officer's token; with it a plain HTTP client gets JSON from a transcoded GET on each
    /// service's HTTP/1.1 port, and each service's OpenAPI document lists that path. A school token needs a URN.
    /// </summary>
    private static async Task TheDashboardMintsATokenThatEveryHttpApiAccepts(DistributedApplication app, CancellationToken cancellationToken)
    {
        var refused = await CommandAsync(app, "referrals", "mint-token", cancellationToken, ("role", "school"));
        Assert.False(refused.Success);
        Assert.Contains("URN", refused.Message, StringComparison.Ordinal);
        var minted = await CommandAsync(app, "referrals", "mint-token", cancellationToken, ("role", "officer"));
        Assert.True(minted.Success, minted.Message);
        var token = minted.Data!.Value;

        foreach (var (service, get, documented) in new[]
        {
            ("referrals", "/v1/schools", "/v1/schools"),
            ("meetings", "/v1/panelSittings?phase=PANEL_PHASE_PRIMARY", "/v1/panelSittings"),
            ("placements", "/v1/providers", "/v1/providers"),
            ("reporting", "/v1/reports/preventionSummary?schoolYearStart=2025", "/v1/reports/preventionSummary"),
        })
        {
            using var http = new HttpClient { BaseAddress = app.GetEndpoint(service, "http") };
            using var request = new HttpRequestMessage(HttpMethod.Get, get);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var answer = await http.SendAsync(request, cancellationToken);
            Assert.True(answer.IsSuccessStatusCode, $"{service} {get}: {answer.StatusCode}");
            Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
            using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", cancellationToken));
            Assert.True(document.RootElement.GetProperty("paths").TryGetProperty(documented, out _), $"{service}'s OpenAPI document lists {documented}");
        }
    }

    /// <summary>"Seed demonstration data" twice: the second run finds everything made and makes nothing; the reports show it.</summary>
    private static async Task TheDashboardSeedsTheDemoYearOnce(DistributedApplication app, Metadata manager, CancellationToken cancellationToken)
    {
        var first = await CommandAsync(app, "referrals", "seed-demo-data", cancellationToken);
        Assert.True(first.Success, first.Message);
        var second = await CommandAsync(app, "referrals", "seed-demo-data", cancellationToken);
        Assert.True(second.Success, second.Message);
        Assert.Equal(first.Message, second.Message);

        using var referrals = GrpcChannel.ForAddress(app.GetEndpoint("referrals", "grpc"));
        var pupils = await new Inclusion.Referrals.V1.Pupils.PupilsClient(referrals).ListPupilsAsync(
            new Inclusion.Referrals.V1.ListPupilsRequest { SchoolUrn = "990004", PageSize = 100 }, manager, cancellationToken: cancellationToken);
        Assert.Equal(16, pupils.Pupils.Count);
        using var reporting = GrpcChannel.ForAddress(app.GetEndpoint("reporting", "grpc"));
        var reports = new Inclusion.Reporting.V1.Reports.ReportsClient(reporting);
        var lastYear = int.Parse(System.Text.RegularExpressions.Regex.Match(first.Message!, "for ([0-9]{4})/").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        double meetings = 0;
        for (var attempt = 0; attempt < 100 && meetings != 35; attempt++)
        {
            await Task.Delay(300, cancellationToken);
            meetings = (await reports.GetPreventionSummaryAsync(new Inclusion.Reporting.V1.ReportRequest { SchoolYearStart = lastYear }, manager,
                cancellationToken: cancellationToken)).Total.Meetings.Value;
        }
        Assert.Equal(35, meetings);
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
        Assert.Equal("dashboard-manager", rebuild.RequestedBy);
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
