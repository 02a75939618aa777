using Microsoft.Extensions.Configuration;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>One PostgreSQL server with a database per service, and one RabbitMQ broker, in the chosen mode.</summary>
public sealed class SuiteInfrastructure
{
    private readonly Func<string, IResourceBuilder<IResourceWithConnectionString>> _database;

    private SuiteInfrastructure(
        string dataRoot,
        IResourceBuilder<IResource> databaseServer,
        IResourceBuilder<IResource> brokerServer,
        IResourceBuilder<IResourceWithConnectionString> broker,
        Func<string, IResourceBuilder<IResourceWithConnectionString>> database)
    {
        DataRoot = dataRoot;
        DatabaseServer = databaseServer;
        BrokerServer = brokerServer;
        Broker = broker;
        _database = database;
    }

    /// <summary>Where a local run keeps its data and secrets.</summary>
    public string DataRoot { get; }

    /// <summary>What a service waits for before it may touch its database.</summary>
    public IResourceBuilder<IResource> DatabaseServer { get; }
    /// <summary>What a service waits for before it may touch the broker.</summary>
    public IResourceBuilder<IResource> BrokerServer { get; }
    public IResourceBuilder<IResourceWithConnectionString> Broker { get; }

    public IResourceBuilder<IResourceWithConnectionString> Database(string name) => _database(name);

    public static SuiteInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("Infrastructure").Get<InfrastructureSettings>()
            ?? new InfrastructureSettings();
        var dataRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, settings.DataDirectory));
        return settings.ResolveMode() switch
        {
            InfrastructureMode.Local => AddLocal(builder, settings, dataRoot),
            InfrastructureMode.Containers => AddContainers(builder, dataRoot),
            _ => AddExternal(builder, dataRoot),
        };
    }

    private static SuiteInfrastructure AddLocal(IDistributedApplicationBuilder builder, InfrastructureSettings settings, string dataRoot)
    {
        var postgres = builder.AddLocalPostgres("postgres", dataRoot, settings.PostgresPort);
        var rabbit = builder.AddLocalRabbitMq("rabbitmq-server", dataRoot, settings.RabbitMqPort, settings.RabbitMqManagementPort);
        var broker = builder.AddConnection(EventBusConnectionName, rabbit.ConnectionString, rabbit.Resource.Resource, "RabbitMQAccount");
        return new SuiteInfrastructure(dataRoot, ToResource(postgres.Resource), ToResource(rabbit.Resource), ToConnection(broker),
            name => ToConnection(builder.AddConnection(name, $"{postgres.ConnectionString};Database={name}",
                postgres.Resource.Resource, "PostgresDatabase")));
    }

    private static SuiteInfrastructure AddContainers(IDistributedApplicationBuilder builder, string dataRoot)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume();
        var rabbit = builder.AddRabbitMQ(EventBusConnectionName).WithManagementPlugin().WithDataVolume();
        return new SuiteInfrastructure(dataRoot, ToResource(postgres), ToResource(rabbit), ToConnection(rabbit),
            name => ToConnection(postgres.AddDatabase(name)));
    }

    private static SuiteInfrastructure AddExternal(IDistributedApplicationBuilder builder, string dataRoot)
    {
        var broker = builder.AddConnectionString(EventBusConnectionName);
        return new SuiteInfrastructure(dataRoot, ToResource(broker), ToResource(broker), ToConnection(broker),
            name => ToConnection(builder.AddConnectionString(name)));
    }

    /// <summary>The connection name services read the broker from (ConnectionStrings:rabbitmq).</summary>
    public const string EventBusConnectionName = "rabbitmq";

    private static IResourceBuilder<IResource> ToResource<T>(IResourceBuilder<T> resource) where T : IResource =>
        (IResourceBuilder<IResource>)resource;

    private static IResourceBuilder<IResourceWithConnectionString> ToConnection<T>(IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString =>
        (IResourceBuilder<IResourceWithConnectionString>)resource;
}
