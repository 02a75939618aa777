using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Binds every gRPC service's methods as grpc-dotnet's own binding does, but with a request marshaller that answers
/// bytes which are not the request message with INVALID_ARGUMENT. grpc-dotnet reads the request before any interceptor
/// runs, and a failure there otherwise reaches the caller as UNKNOWN ("Exception was thrown by handler.") and the
/// dashboard as an error: a caller's mistake, reported as ours.
/// </summary>
public static class CheckedRequestMessages
{
    /// <summary>Replaces grpc-dotnet's method binding with the checked one. Call after everything that adds gRPC services.</summary>
    public static void Use(IServiceCollection services)
    {
        services.RemoveAll(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType is { Name: "BinderServiceMethodProvider`1", Namespace: "Grpc.AspNetCore.Server.Model.Internal" });
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(Provider<>)));
    }

    private static void RemoveAll(this IServiceCollection services, Func<ServiceDescriptor, bool> which)
    {
        foreach (var descriptor in services.Where(which).ToList())
        {
            services.Remove(descriptor);
        }
    }

    /// <summary>The request marshaller, with a malformed message turned into INVALID_ARGUMENT.</summary>
    private static Marshaller<T> Checked<T>(Marshaller<T> marshaller, string method) => Marshallers.Create(
        marshaller.ContextualSerializer,
        context =>
        {
            try
            {
                return marshaller.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException problem)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"The request is not a valid {typeof(T).Name} message for {method}: {problem.Message}"));
            }
        });

    private sealed class Provider<TService> : IServiceMethodProvider<TService> where TService : class
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
        {
            // The generated base class names its static BindService method; with no implementation it only lists methods.
            if (typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true) is not { } bind)
            {
                return;
            }
            var bindService = bind.BindType.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Single(m => m.Name == bind.BindMethodName && m.GetParameters() is [{ ParameterType: var binder }, _] && binder == typeof(ServiceBinderBase));
            bindService.Invoke(null, [new CheckedBinder<TService>(context), null]);
        }
    }

    private sealed class CheckedBinder<TService>(ServiceMethodProviderContext<TService> context) : ServiceBinderBase where TService : class
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(WithChecks(method), Metadata(method, out var implementation, typeof(TRequest), typeof(ServerCallContext)),
                Invoker<UnaryServerMethod<TService, TRequest, TResponse>>(implementation));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(WithChecks(method), Metadata(method, out var implementation, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)),
                Invoker<ClientStreamingServerMethod<TService, TRequest, TResponse>>(implementation));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(WithChecks(method), Metadata(method, out var implementation, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                Invoker<ServerStreamingServerMethod<TService, TRequest, TResponse>>(implementation));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(WithChecks(method),
                Metadata(method, out var implementation, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                Invoker<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(implementation));

        private static Method<TRequest, TResponse> WithChecks<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
            new(method.Type, method.ServiceName, method.Name, Checked(method.RequestMarshaller, $"{method.ServiceName}.{method.Name}"), method.ResponseMarshaller);

        /// <summary>
        /// The service's implementation of the method (its override, or the generated base's UNIMPLEMENTED one) and the
        /// endpoint metadata grpc-dotnet gives it: the class's attributes, then the method's, and POST only.
        /// </summary>
        private static List<object> Metadata(IMethod method, out MethodInfo implementation, params Type[] parameters)
        {
            implementation = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameters)
                ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {method.Name}.");
            return [.. typeof(TService).GetCustomAttributes(inherit: true), .. implementation.GetCustomAttributes(inherit: true),
                new HttpMethodMetadata(["POST"], acceptCorsPreflight: true)];
        }

        private static TDelegate Invoker<TDelegate>(MethodInfo implementation) where TDelegate : Delegate =>
            (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), implementation);
    }
}
