using InclusionServices.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every service of the suite starts with: telemetry, health, discovery, resilience, gRPC and tokens.</summary>
public static class ServiceDefaultsExtensions
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddInclusionTelemetry();
        builder.AddInclusionHealthChecks();
        builder.AddInclusionAuthentication();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<GrpcErrorInterceptor>();
            // Pupil records are small; a larger message is a mistake or an attack.
            options.MaxReceiveMessageSize = 4 * 1024 * 1024;
        });
        builder.Services.AddGrpcReflection();
        return builder;
    }
}
