using System.Reflection;
using Microsoft.Extensions.Configuration;
using InclusionServices.AppHost.Infrastructure;

namespace InclusionServices.AppHost;

internal static class InclusionServiceResources
{
    /// <summary>The connection name services read the broker from (ConnectionStrings:rabbitmq).</summary>
    private const string EventBusConnectionName = "rabbitmq";

    /// <summary>
    /// Adds a service and its migration step. The service waits for the broker and for the migration step to
    /// finish, so it never takes traffic against an old schema.
    /// </summary>
    /// <remarks>
    /// The service is its built binary, started directly, not a project resource: Aspire starts a project through
    /// <c>dotnet run</c>, a second process per service (about 140 MB and 2 s of start each), and puts its own proxy in
    /// front of every endpoint, one more hop for every call. Here the service listens itself on the ports of the
    /// Kestrel section of its own appsettings.json (written down once, read here), and other services find it by
    /// service discovery as before.
    /// </remarks>
    public static IResourceBuilder<InclusionServiceResource> AddInclusionService<TProject>(
        this IDistributedApplicationBuilder builder, string name, SuiteInfrastructure infrastructure, TokenTrust tokens)
        where TProject : IProjectMetadata, new()
    {
        var project = new TProject().ProjectPath;
        var binary = BuiltBinary(project);
        var directory = Path.GetDirectoryName(binary)!;
        var database = infrastructure.Database(name);

        // The same binary with --migrate brings the database to the latest migration and exits.
        var migrations = builder.AddExecutable($"{name}-migrations", binary, directory, "--migrate")
            .WithReference(database)
            .WaitFor(database)
            .WithOtlpExporter()
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "500");

        var service = builder.AddResource(new InclusionServiceResource(name, binary, directory))
            .WithOtlpExporter()
            .WithReference(database)
            .WithReference(infrastructure.Broker(name), EventBusConnectionName)
            .WaitFor(infrastructure.BrokerServer)
            .WaitForCompletion(migrations);
        foreach (var (endpoint, port) in KestrelPorts(project))
        {
            service.WithHttpEndpoint(port: port, name: endpoint, isProxied: false);
        }
        return tokens.ApplyTo(service)
            // Services otherwise wait ~10 s at shutdown for an OTLP export to a dashboard that has gone.
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "500")
            // The dashboard gets every failed or slow trace and one in ten of the rest (TraceSampling), not every request.
            .WithEnvironment("Telemetry__Traces__KeepOneIn", builder.Configuration["Telemetry:Traces:KeepOneIn"] ?? "10")
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithApiReference();
    }

    /// <summary>The service's Kestrel endpoints (name and port) from its appsettings.json, where it will listen.</summary>
    private static IEnumerable<(string Name, int Port)> KestrelPorts(string projectPath)
    {
        var settings = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Path.GetDirectoryName(projectPath)!, "appsettings.json"), optional: false)
            .Build();
        foreach (var endpoint in settings.GetSection("Kestrel:Endpoints").GetChildren())
        {
            yield return (endpoint.Key, new Uri(endpoint["Url"]!).Port);
        }
    }

    /// <summary>
    /// bin/&lt;configuration&gt;/&lt;framework&gt;/&lt;project name&gt; beside the project: building the app host builds the
    /// services with it, in its own configuration.
    /// </summary>
    private static string BuiltBinary(string projectPath)
    {
        var appHost = typeof(InclusionServiceResources).Assembly;
        var configuration = appHost.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new DirectoryInfo(Path.GetDirectoryName(appHost.Location)!).Name;
        var binary = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, framework, Path.GetFileNameWithoutExtension(projectPath));
        return File.Exists(binary)
            ? binary
            : throw new InvalidOperationException($"{binary} is missing: build the app host (dotnet build AppHost -c {configuration}), which builds the services.");
    }
}

/// <summary>
/// A service started from its built binary. It takes part in service discovery as a project would: a resource that
/// references it is told its endpoints (services__&lt;name&gt;__&lt;endpoint&gt;__0).
/// </summary>
internal sealed class InclusionServiceResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithServiceDiscovery;
