using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InclusionServices.Tests;

/// <summary>
/// One service, hosted in memory with its real gRPC pipeline, against a database of its own on the real
/// PostgreSQL and the real RabbitMQ broker. The schema is made by the same migrations the migration step applies.
/// </summary>
public abstract class ServiceUnderTest<TEntryPoint, TDatabase>(string connectionName)
    : WebApplicationFactory<TEntryPoint>, IAsyncLifetime
    where TEntryPoint : class
    where TDatabase : DbContext
{
    public string DatabaseConnectionString { get; } = TestServers.NewDatabase(connectionName);

    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>The broker (a virtual host of this fixture's own unless set before the service starts).</summary>
    public string? BrokerConnectionString { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting, not ConfigureAppConfiguration: the services read connection strings while building.
        builder.UseSetting($"ConnectionStrings:{connectionName}", DatabaseConnectionString);
        builder.UseSetting("ConnectionStrings:rabbitmq", BrokerConnectionString);
        foreach (var (key, value) in Tokens.ServiceSettings.Concat(TestServers.QuickEventBusSettings))
        {
            builder.UseSetting(key, value);
        }
    }

    public async Task InitializeAsync()
    {
        BrokerConnectionString ??= await TestServers.NewVirtualHostAsync(connectionName);
        await using (var scope = Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TDatabase>().Database.MigrateAsync();
        }
        Channel = GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });
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
        await using (var scope = Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TDatabase>().Database.EnsureDeletedAsync();
        }
        await DisposeAsync();
    }
}
