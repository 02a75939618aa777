using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Readiness (database and broker reachable) and liveness, over HTTP (/health, /alive) and over the standard
/// grpc.health.v1.Health service, which reports SERVING only when every readiness check passes.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadinessPath = "/health";
    public const string LivenessPath = "/alive";
    public const string ReadyTag = "ready";
    public const string LiveTag = "live";

    public static IHostApplicationBuilder AddInclusionHealthChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        // Health is shown as each resource's state on the dashboard and answered to every probe. Logging each unhealthy
        // probe as an error put red badges on every normal start (the bus is "not started" for its first second).
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);

        builder.Services.AddGrpcHealthChecks();
        builder.Services.Configure<GrpcHealthChecksOptions>(options =>
        {
            options.Services.Clear();
            options.Services.Map("", result => result.Tags.Contains(ReadyTag));
        });
        return builder;
    }

    /// <summary>Maps /health, /alive, the gRPC health service and gRPC reflection: all open without a token.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .AllowAnonymous();
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) })
            .AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        app.MapHttpApiReference();
        return app;
    }
}
