using System.Reflection;
using InclusionServices.AppHost.Infrastructure;

namespace InclusionServices.AppHost;

internal static class InclusionServiceResources
{
    /// <summary>The connection name services read the broker from (ConnectionStrings:rabbitmq).</summary>
    private const string EventBusConnectionName = "rabbitmq";

    /// <summary>
    /// Adds a service and its migration step. The service waits for the broker and for the migration step to
    /// finish, so it never takes traffic against an old schema. Its gRPC (h2c) and HTTP/1.1 health endpoints come
    /// from the Kestrel section of its own appsettings.json, so ports are written down once.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddInclusionService<TProject>(
        this IDistributedApplicationBuilder builder, string name, SuiteInfrastructure infrastructure, TokenTrust tokens)
        where TProject : IProjectMetadata, new()
    {
        var database = infrastructure.Database(name);

        var migrations = AddMigrationStep<TProject>(builder, name, database);

        // The services serve plain HTTP on loopback (h2c for gRPC; production puts TLS in front, see the README), so they
        // take no development certificate: else the dashboard warns, in red, that none is trusted.
        var service = builder.AddProject<TProject>(name)
            .WithoutHttpsCertificate()
            .WithReference(database)
            .WithReference(infrastructure.Broker(name), EventBusConnectionName)
            .WaitFor(infrastructure.BrokerServer)
            .WaitForCompletion(migrations);
        return tokens.ApplyTo(service)
            // Services otherwise wait ~10 s at shutdown for an OTLP export to a dashboard that has gone.
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "500")
            // The dashboard gets every failed or slow trace and one in ten of the rest (TraceSampling), not every request.
            .WithEnvironment("Telemetry__Traces__KeepOneIn", builder.Configuration["Telemetry:Traces:KeepOneIn"] ?? "10")
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithApiReference();
    }

    /// <summary>
    /// The service's binary with <c>--migrate</c>: it brings the database to the latest migration and exits. Started
    /// directly rather than as a project: Aspire starts a project through <c>dotnet run</c>, a second process that
    /// evaluates the project first, and four of those at once slowed the broker's start beside them. The app host
    /// builds the services with itself, in its own configuration, so the binary is there; if not, the project is run.
    /// </summary>
    private static IResourceBuilder<IResource> AddMigrationStep<TProject>(IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithConnectionString> database)
        where TProject : IProjectMetadata, new()
    {
        var binary = BuiltBinary(new TProject().ProjectPath);
        if (!File.Exists(binary))
        {
            return builder.AddProject<TProject>($"{name}-migrations", options =>
                {
                    options.ExcludeLaunchProfile = true;
                    options.ExcludeKestrelEndpoints = true;
                })
                .WithArgs("--migrate")
                .WithoutHttpsCertificate()
                .WithReference(database)
                .WaitFor(database)
                .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "500");
        }
        return builder.AddExecutable($"{name}-migrations", binary, Path.GetDirectoryName(binary)!, "--migrate")
            .WithReference(database)
            .WaitFor(database)
            .WithOtlpExporter()
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "500");
    }

    /// <summary>bin/&lt;configuration&gt;/&lt;framework&gt;/&lt;project name&gt; beside the project, as this app host was built.</summary>
    private static string BuiltBinary(string projectPath)
    {
        var appHost = typeof(InclusionServiceResources).Assembly;
        var configuration = appHost.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new DirectoryInfo(Path.GetDirectoryName(appHost.Location)!).Name;
        return Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, framework, Path.GetFileNameWithoutExtension(projectPath));
    }
}
