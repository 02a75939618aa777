using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.ClientFactory;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Gives every outgoing gRPC call a deadline, so a slow or stuck callee can never hold a request forever.
/// A caller that sets its own deadline keeps it.
/// </summary>
public sealed class DefaultDeadlineInterceptor(TimeSpan deadline, TimeProvider time) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDeadline(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDeadline(context));

    private ClientInterceptorContext<TRequest, TResponse> WithDeadline<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class
    {
        if (context.Options.Deadline is not null)
        {
            return context;
        }
        var options = context.Options.WithDeadline(time.GetUtcNow().UtcDateTime + deadline);
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
    }
}

/// <summary>The caller of another service of the suite could not reach it (after retries). Becomes Unavailable.</summary>
public sealed class DependencyUnavailableException(string service, Exception inner)
    : Exception($"{service} cannot be reached just now; try again shortly.", inner);

public static class GrpcClients
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    /// <summary>A refused connection or a restart is retried a few times, quickly, before the caller is told.</summary>
    private static readonly ServiceConfig RetryWhileUnavailable = new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = 4,
                    InitialBackoff = TimeSpan.FromMilliseconds(200),
                    MaxBackoff = TimeSpan.FromSeconds(1),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
        },
    };

    /// <summary>
    /// Registers a client of another service of the suite, found by service discovery (e.g. "http://_grpc.referrals"),
    /// that calls as this service (the service role), with a default deadline and retries while the callee is
    /// unavailable. gRPC keeps its own deadlines and retries (HTTP resilience handlers, whose timeouts would cut
    /// streams short, are added only to plain HTTP clients). A <paramref name="name"/> registers one of several
    /// clients of the same kind (e.g. the event history of each service), made with GrpcClientFactory.CreateClient.
    /// </summary>
    public static IHttpClientBuilder AddSuiteGrpcClient<TClient>(this IServiceCollection services, Uri address, string? name = null)
        where TClient : class
    {
        services.TryAddSingleton<ServiceTokens>();
        return (name is null
                ? services.AddGrpcClient<TClient>(options => options.Address = address)
                : services.AddGrpcClient<TClient>(name, options => options.Address = address))
            .ConfigureChannel(channel =>
            {
                channel.ServiceConfig = RetryWhileUnavailable;
                // Inside the suite's local network calls are h2c; in production they go over TLS.
                channel.UnsafeUseInsecureChannelCallCredentials = address.Scheme == Uri.UriSchemeHttp;
            })
            .AddCallCredentials(async (_, metadata, provider) =>
                metadata.Add("Authorization", "Bearer " + await provider.GetRequiredService<ServiceTokens>().GetAsync(CancellationToken.None)))
            .AddInterceptor(InterceptorScope.Client, provider =>
                new DefaultDeadlineInterceptor(DefaultDeadline, provider.GetRequiredService<TimeProvider>()));
    }
}
