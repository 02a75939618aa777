using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;

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

public static class GrpcClients
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Registers a client of another service of the suite, found by service discovery
    /// (e.g. "http://referrals"), with a default deadline and the suite's standard resilience.
    /// </summary>
    public static IHttpClientBuilder AddSuiteGrpcClient<TClient>(this IServiceCollection services, Uri address)
        where TClient : class
    {
        return services.AddGrpcClient<TClient>(options => options.Address = address)
            .AddInterceptor(InterceptorScope.Client, provider =>
                new DefaultDeadlineInterceptor(DefaultDeadline, provider.GetRequiredService<TimeProvider>()));
    }
}
