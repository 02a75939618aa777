using InclusionServices.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every service of the suite starts with: telemetry, health, discovery, resilience, gRPC and tokens.</summary>
public static class ServiceDefaultsExtensions
{
    public const int MaxReceiveMessageSize = 1024 * 1024;
    public const int MaxSendMessageSize = 16 * 1024 * 1024;

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddInclusionTelemetry();
        builder.AddInclusionHealthChecks();
        builder.AddInclusionAuthentication();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddServiceDiscovery();
        // gRPC clients keep their own deadlines and retries (GrpcClients); plain HTTP clients get the standard handler.
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        builder.Services.AddHttpClient(nameof(ServiceTokens)).AddStandardResilienceHandler();

        var grpc = builder.Services.AddGrpc(options =>
        {
            // Outermost first: errors from every later step become the suite's status codes.
            options.Interceptors.Add<GrpcErrorInterceptor>();
            options.Interceptors.Add<MessageLimitsInterceptor>();
            // Every field is bounded (MessageLimits), so a request over 1 MiB is a mistake or an attack:
            // ResourceExhausted. Responses are pages of at most 100 bounded records.
            options.MaxReceiveMessageSize = MaxReceiveMessageSize;
            options.MaxSendMessageSize = MaxSendMessageSize;
        });
        // Every exception a handler throws reaches GrpcErrorInterceptor, which logs the unexpected ones with their trace
        // id. What grpc-dotnet itself logs as an error is the transport failing outside the handler, in practice a
        // caller that reset its stream while its request was still being read: the caller's choice, not our fault. The
        // call's trace still shows its status on the dashboard.
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Critical);
        // IHttpClientFactory logs four Information lines for every call a service makes to another (the pipeline's
        // and the request's start and end): under load, most of what the dashboard took in and a share of the caller's
        // CPU. The call's span says the same, and a failed call shows there (its status) and in the caller's own
        // handling of the error; the factory logs nothing above Information, so its lines are all off.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.AddHttpApi(grpc);
        builder.Services.AddGrpcReflection();
        // Last, once everything that adds gRPC's own method binding has run.
        CheckedRequestMessages.Use(builder.Services);
        return builder;
    }
}
