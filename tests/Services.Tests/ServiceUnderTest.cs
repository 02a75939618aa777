using Grpc.Net.Client;
using InclusionServices.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InclusionServices.Tests;

/// <summary>
/// One service, hosted with its real gRPC pipeline, against a database of its own on the real PostgreSQL and the real
/// RabbitMQ broker. The schema is made by the same migrations, before the service starts, as the migration step
/// does. In memory by default; on Kestrel with real ports when another service must call it over the network.
/// </summary>
public abstract class ServiceUnderTest<TEntryPoint, TDatabase>(string connectionName)
    : WebApplicationFactory<TEntryPoint>, IAsyncLifetime
    where TEntryPoint : class
    where TDatabase : DbContext
{
    private int _grpcPort;
    private int _httpPort;

    public string DatabaseConnectionString { get; } = TestServers.NewDatabase(connectionName);

    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>The broker (a virtual host of this fixture's own unless set before the service starts).</summary>
    public string? BrokerConnectionString { get; set; }

    /// <summary>Settings beyond the tests' own (e.g. where another service is found), set before the service starts.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>The clock the service runs on (TimeProvider.System unless set before the service starts).</summary>
    public TimeProvider? Clock { get; set; }

    /// <summary>What the service logged at <see cref="LoggedFrom"/> or above (warnings and errors unless overridden).</summary>
    public LogCapture Logs => _logs ??= new LogCapture(LoggedFrom);

    private LogCapture? _logs;

    protected virtual LogLevel LoggedFrom => LogLevel.Warning;

    /// <summary>Where the service's gRPC endpoint listens when it runs on Kestrel.</summary>
    public Uri GrpcAddress => new($"http://127.0.0.1:{_grpcPort}");

    /// <summary>Run on Kestrel with real ports, for callers outside the test process (other services).</summary>
    protected virtual bool OnKestrel => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting, not ConfigureAppConfiguration: the services read connection strings while building.
        builder.UseSetting($"ConnectionStrings:{connectionName}", DatabaseConnectionString);
        builder.UseSetting("ConnectionStrings:rabbitmq", BrokerConnectionString);
        foreach (var (key, value) in Tokens.ServiceSettings.Concat(TestServers.QuickEventBusSettings).Concat(Settings))
        {
            builder.UseSetting(key, value);
        }
        if (OnKestrel)
        {
            builder.UseSetting("Kestrel:Endpoints:grpc:Url", $"http://127.0.0.1:{_grpcPort}");
            builder.UseSetting("Kestrel:Endpoints:http:Url", $"http://127.0.0.1:{_httpPort}");
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    public async Task InitializeAsync()
    {
        BrokerConnectionString ??= await TestServers.NewVirtualHostAsync(connectionName);
        await using (var database = NewDatabase())
        {
            await database.Database.MigrateAsync();
        }
        if (OnKestrel)
        {
            (_grpcPort, _httpPort) = (TestServers.FreePort(), TestServers.FreePort());
            UseKestrel();
            StartServer();
            Channel = GrpcChannel.ForAddress(GrpcAddress);
        }
        else
        {
            Channel = GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });
        }
    }

    /// <summary>Runs <paramref name="work"/> against the service's database, for arranging or checking rows.</summary>
    public async Task<T> WithDatabase<T>(Func<TDatabase, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TDatabase>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Channel?.Dispose();
        await DisposeAsync();
        await using var database = NewDatabase();
        await database.Database.EnsureDeletedAsync();
    }

    private TDatabase NewDatabase()
    {
        var options = new DbContextOptionsBuilder<TDatabase>().UseServiceDatabase(DatabaseConnectionString).Options;
        return (TDatabase)Activator.CreateInstance(typeof(TDatabase), options)!;
    }
}
