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
            .WithSuiteTelemetry();

        var service = builder.AddResource(new InclusionServiceResource(name, binary, directory))
            .WithSuiteTelemetry()
            .WithReference(database)
            .WithReference(infrastructure.Broker(name), EventBusConnectionName)
            .WaitFor(infrastructure.BrokerServer)
            .WaitForCompletion(migrations);
        // Under test (Aspire's testing builder asks for random ports) a service gets free ports, so a test run never
        // meets a suite started with ./run.sh on the fixed ones.
        var randomPorts = builder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts");
        foreach (var endpoint in KestrelEndpoints(project))
        {
            var port = randomPorts ? FreeLoopbackPort() : endpoint.Port;
            var listenOn = $"http://{endpoint.Host}:{port}";
            service
                .WithHttpEndpoint(port: port, name: endpoint.Name, isProxied: false)
                .WithEndpoint(endpoint.Name, annotation =>
                {
                    annotation.TargetHost = endpoint.Host;
                    annotation.Transport = endpoint.Http2Only ? "http2" : "http";
                })
                .WithEnvironment($"Kestrel__Endpoints__{endpoint.Name}__Url", listenOn);
        }
        return tokens.ApplyTo(service)
            // The dashboard gets every failed trace, slow ones up to five a second from each service, and one in ten of
            // the rest up to ten a second from each (TraceSampling), not every request: at 200 exclusions a second, with
            // every slow trace kept, it took a quarter of a core, and one in ten of 2,000 reads a second took a third.
            .WithEnvironment("Telemetry__Traces__KeepOneIn", builder.Configuration["Telemetry:Traces:KeepOneIn"] ?? "10")
            .WithEnvironment("Telemetry__Traces__OrdinaryKeptPerSecond", builder.Configuration["Telemetry:Traces:OrdinaryKeptPerSecond"] ?? "10")
            .WithEnvironment("Telemetry__Traces__SlowKeptPerSecond", builder.Configuration["Telemetry:Traces:SlowKeptPerSecond"] ?? "5")
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithApiReference();
    }

    /// <summary>What every process of a service sends the dashboard, and how.</summary>
    private static IResourceBuilder<T> WithSuiteTelemetry<T>(this IResourceBuilder<T> resource) where T : IResourceWithEnvironment =>
        resource.WithOtlpExporter()
            // Otherwise a process waits ~10 s at shutdown for an export to a dashboard that has gone.
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "500")
            // As Aspire gives a project resource: an export the dashboard refused for a moment is tried again.
            .WithEnvironment("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory")
            .WithEnvironment("LOGGING__CONSOLE__FORMATTERNAME", "simple");

    private sealed record KestrelEndpoint(string Name, string Host, int Port, bool Http2Only);

    /// <summary>The service's Kestrel endpoints from its appsettings.json (each a loopback address and a fixed port).</summary>
    private static IEnumerable<KestrelEndpoint> KestrelEndpoints(string projectPath)
    {
        var settings = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Path.GetDirectoryName(projectPath)!, "appsettings.json"), optional: false)
            .Build();
        foreach (var endpoint in settings.GetSection("Kestrel:Endpoints").GetChildren())
        {
            var url = new Uri(endpoint["Url"] ?? throw new InvalidOperationException($"{projectPath}: Kestrel endpoint {endpoint.Key} has no Url."));
            yield return new KestrelEndpoint(endpoint.Key, url.Host, url.Port, endpoint["Protocols"] == "Http2");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
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
