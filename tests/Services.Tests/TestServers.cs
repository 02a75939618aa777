using Npgsql;

namespace InclusionServices.Tests;

/// <summary>
/// The throwaway PostgreSQL and RabbitMQ that test.sh starts. Tests that need them fail with a clear message
/// when run some other way, rather than passing without touching real storage.
/// </summary>
public static class TestServers
{
    public static string Postgres => Required("INCLUSION_TEST_POSTGRES");
    public static string RabbitMq => Required("INCLUSION_TEST_RABBITMQ");
    private static string RabbitMqManagement => Required("INCLUSION_TEST_RABBITMQ_MANAGEMENT");

    /// <summary>A connection string to a new, empty database of its own, so test classes never share state.</summary>
    public static string NewDatabase(string prefix)
    {
        var name = $"{prefix[..Math.Min(prefix.Length, 24)]}_{Guid.NewGuid():N}";
        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// A connection string to a new RabbitMQ virtual host of its own: exchanges and queues of one test class
    /// never receive another's events.
    /// </summary>
    public static async Task<string> NewVirtualHostAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        var management = new Uri(RabbitMqManagement);
        var credentials = Uri.UnescapeDataString(management.UserInfo);
        using var http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
        (await http.PutAsync($"/api/vhosts/{name}", null)).EnsureSuccessStatusCode();
        var user = credentials.Split(':')[0];
        var everything = new StringContent("""{"configure":".*","write":".*","read":".*"}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PutAsync($"/api/permissions/{name}/{user}", everything)).EnsureSuccessStatusCode();
        return new UriBuilder(RabbitMq) { Path = "/" + name }.Uri.ToString();
    }

    /// <summary>Event bus timings short enough for tests: quick polling, back-off and consumer retries.</summary>
    public static Dictionary<string, string?> QuickEventBusSettings => new()
    {
        ["EventBus:PollInterval"] = "00:00:00.050",
        ["EventBus:InitialBackoff"] = "00:00:00.100",
        ["EventBus:MaxBackoff"] = "00:00:01",
        ["EventBus:PublishTimeout"] = "00:00:05",
        ["EventBus:RetryIntervals:0"] = "00:00:00.050",
        ["EventBus:RetryIntervals:1"] = "00:00:00.100",
        ["DeadlineWatcher:Interval"] = "00:00:00.200",
    };

    /// <summary>A TCP port nothing listens on just now, for a server a test starts.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: run the tests with ./test.sh, which starts PostgreSQL and RabbitMQ for them.");
}
