using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>
/// A RabbitMQ node from the Debian package, run by the app host as an executable resource with its own node name,
/// ports, data and Erlang cookie, so it never collides with another node on the machine.
/// </summary>
internal static class LocalRabbitMq
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string User = "inclusion";

    /// <summary>The node, the operators' administrator account, and each service's own account.</summary>
    public sealed record Broker(IResourceBuilder<ExecutableResource> Resource, string ConnectionString,
        IReadOnlyDictionary<string, string> ServiceConnectionStrings);

    /// <param name="publishedBy">Each service's name and the event exchanges it publishes to.</param>
    public static Broker AddLocalRabbitMq(this IDistributedApplicationBuilder builder, string name, string dataRoot, int amqpPort,
        int managementPort, IReadOnlyDictionary<string, IReadOnlyList<string>> publishedBy)
    {
        var root = Path.GetFullPath(Path.Combine(dataRoot, "rabbitmq"));
        var home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(Path.Combine(root, "mnesia"));
        Directory.CreateDirectory(Path.Combine(root, "log"));
        var password = Secrets.ReadOrCreatePassword(Path.Combine(root, "password"));
        var servicePasswords = publishedBy.Keys.ToDictionary(service => service,
            service => Secrets.ReadOrCreatePassword(Path.Combine(root, $"{service}-password")));
        var definitions = Path.Combine(root, "definitions.json");
        Secrets.WriteOwnerOnly(definitions, BrokerAccounts.Definitions(User, password, servicePasswords, publishedBy));

        var config = Path.Combine(root, "rabbitmq.conf");
        Secrets.WriteOwnerOnly(config, $"""
            listeners.tcp.default = 127.0.0.1:{amqpPort}
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {managementPort}
            default_user = {User}
            default_pass = {password}
            default_user_tags.administrator = true
            load_definitions = {definitions}
            """);
        var plugins = Path.Combine(root, "enabled_plugins");
        File.WriteAllText(plugins, "[rabbitmq_management].\n");

        // Erlang distribution defaults to the AMQP port + 20000; give it a port of its own.
        var distributionPort = amqpPort + 2;
        var nodeName = $"{name}-{amqpPort}@localhost";
        var resource = builder.AddExecutable(name, Server, root)
            .WithEnvironment("RABBITMQ_NODENAME", nodeName)
            .WithEnvironment("RABBITMQ_NODE_PORT", amqpPort.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("RABBITMQ_DIST_PORT", distributionPort.ToString(CultureInfo.InvariantCulture))
            // Keep Erlang distribution and the port mapper on loopback: nothing off this machine needs them.
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}")
            .WithEnvironment("ERL_EPMD_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(root, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(root, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_CONFIG_FILE", config)
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", plugins)
            .WithEnvironment("HOME", home)
            .WithEndpoint(name: "amqp", port: amqpPort, targetPort: amqpPort, scheme: "amqp", isProxied: false)
            .WithHttpEndpoint(name: "management", port: managementPort, targetPort: managementPort, isProxied: false)
            .ExcludeFromManifest();

        var connectionString = $"amqp://{User}:{password}@127.0.0.1:{amqpPort}/";
        var serviceConnectionStrings = servicePasswords.ToDictionary(p => p.Key, p => $"amqp://{p.Key}:{p.Value}@127.0.0.1:{amqpPort}/");
        var healthCheck = $"{name}-accepts-amqp";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck, _ => new PromptReadyCheck(new AmqpReadyCheck(connectionString)), HealthStatus.Unhealthy, tags: null));
        resource.WithHealthCheck(healthCheck);
        return new Broker(resource, connectionString, serviceConnectionStrings);
    }

    /// <summary>Opens a real AMQP connection: an open TCP port alone proves nothing.</summary>
    private sealed class AmqpReadyCheck(string connectionString) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var factory = new ConnectionFactory
                {
                    Uri = new Uri(connectionString),
                    RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                    AutomaticRecoveryEnabled = false,
                };
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (BrokerUnreachableException exception)
            {
                return HealthCheckResult.Unhealthy("RabbitMQ does not accept AMQP connections yet.", exception);
            }
        }
    }
}
