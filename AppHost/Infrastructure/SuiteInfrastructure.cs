using InclusionServices.EventBus;
using Microsoft.Extensions.Configuration;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>
/// One PostgreSQL server with a database per service, and one RabbitMQ broker, in the chosen mode. In a local run
/// each service gets its own database role and its own broker account; the superuser and the broker administrator
/// stay with the app host and the operators.
/// </summary>
public sealed class SuiteInfrastructure
{
    /// <summary>The services and the events each publishes (its broker account may publish those only).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Services => EventCatalog.PublishedBy;

    private readonly IReadOnlyDictionary<string, IResourceBuilder<IResourceWithConnectionString>> _databases;
    private readonly IReadOnlyDictionary<string, IResourceBuilder<IResourceWithConnectionString>> _brokers;

    private SuiteInfrastructure(string dataRoot, IResourceBuilder<IResource> brokerServer,
        IReadOnlyDictionary<string, IResourceBuilder<IResourceWithConnectionString>> databases,
        IReadOnlyDictionary<string, IResourceBuilder<IResourceWithConnectionString>> brokers)
    {
        DataRoot = dataRoot;
        BrokerServer = brokerServer;
        _databases = databases;
        _brokers = brokers;
    }

    /// <summary>Where a local run keeps its data and secrets.</summary>
    public string DataRoot { get; }
    /// <summary>What a service waits for before it may touch the broker.</summary>
    public IResourceBuilder<IResource> BrokerServer { get; }

    /// <summary>The service's database (ConnectionStrings:{service}db), ready once the service's own role can use it.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Database(string service) => _databases[service];

    /// <summary>The service's broker account, given to it as ConnectionStrings:rabbitmq.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Broker(string service) => _brokers[service];

    public static string DatabaseName(string service) => service + "db";

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
        var rabbit = builder.AddLocalRabbitMq("rabbitmq-server", dataRoot, settings.RabbitMqPort, settings.RabbitMqManagementPort, Services);
        var secrets = Path.Combine(dataRoot, "secrets");
        return new SuiteInfrastructure(dataRoot, ToResource(rabbit.Resource),
            Services.Keys.ToDictionary(s => s, s => ToConnection(builder.AddServiceDatabase(postgres, s, DatabaseName(s), secrets))),
            Services.Keys.ToDictionary(s => s, s => ToConnection(builder.AddConnection(
                $"{s}-broker", rabbit.ServiceConnectionStrings[s], rabbit.Resource.Resource, "RabbitMQAccount"))));
    }

    /// <summary>A developer's containers: one administrator account each for the database and broker (not for a deployment).</summary>
    private static SuiteInfrastructure AddContainers(IDistributedApplicationBuilder builder, string dataRoot)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume();
        var rabbit = builder.AddRabbitMQ("rabbitmq").WithManagementPlugin().WithDataVolume();
        return new SuiteInfrastructure(dataRoot, ToResource(rabbit),
            Services.Keys.ToDictionary(s => s, s => ToConnection(postgres.AddDatabase(DatabaseName(s)))),
            Services.Keys.ToDictionary(s => s, _ => ToConnection(rabbit)));
    }

    /// <summary>Servers run by someone else: ConnectionStrings:{service}db and {service}-broker, one account each.</summary>
    private static SuiteInfrastructure AddExternal(IDistributedApplicationBuilder builder, string dataRoot)
    {
        var brokers = Services.Keys.ToDictionary(s => s, s => ToConnection(builder.AddConnectionString($"{s}-broker")));
        return new SuiteInfrastructure(dataRoot, ToResource(brokers.Values.First()),
            Services.Keys.ToDictionary(s => s, s => ToConnection(builder.AddConnectionString(DatabaseName(s)))), brokers);
    }

    private static IResourceBuilder<IResource> ToResource<T>(IResourceBuilder<T> resource) where T : IResource =>
        (IResourceBuilder<IResource>)resource;

    private static IResourceBuilder<IResourceWithConnectionString> ToConnection<T>(IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString =>
        (IResourceBuilder<IResourceWithConnectionString>)resource;
}
