using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Inclusion.Options.V1;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// Who may call each RPC, read from the (inclusion.options.v1.access) option written beside the RPC in its .proto:
/// the one place the access policy is stated. Services map their gRPC APIs with <see cref="MapInclusionGrpcService{T}"/>,
/// which puts the roles on each method's endpoint; an RPC without the option is refused to everyone.
/// </summary>
public static class AccessPolicy
{
    /// <summary>The authorization policy of an RPC no role may call (one without a decision).</summary>
    public const string Nobody = "inclusion-nobody";

    /// <summary>The roles the RPC's option names; empty when it names none.</summary>
    public static IReadOnlyList<string> RolesOf(MethodDescriptor method) =>
        method.GetOptions()?.GetExtension(OptionsExtensions.Access)?.Roles is { Count: > 0 } roles ? [.. roles] : [];

    /// <summary>Maps a gRPC API whose every method is authorised by the roles written in its .proto.</summary>
    public static GrpcServiceEndpointConventionBuilder MapInclusionGrpcService<TService>(this IEndpointRouteBuilder endpoints)
        where TService : class
    {
        var service = DescriptorOf(typeof(TService));
        var builder = endpoints.MapGrpcService<TService>();
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<GrpcMethodMetadata>().FirstOrDefault() is not { } grpc)
            {
                return;
            }
            var roles = service.FindMethodByName(grpc.Method.Name) is { } method ? RolesOf(method) : [];
            endpoint.Metadata.Add(roles.Count == 0
                ? new AuthorizeAttribute(Nobody)
                : new AuthorizeAttribute { Roles = string.Join(',', roles) });
        });
        return builder;
    }

    public static AuthorizationBuilder AddNobodyPolicy(this AuthorizationBuilder authorization) =>
        authorization.AddPolicy(Nobody, policy => policy.RequireAssertion(_ => false));

    /// <summary>The service descriptor of a generated service base class (found through its BindServiceMethod attribute).</summary>
    private static ServiceDescriptor DescriptorOf(Type implementation)
    {
        for (var type = implementation; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>() is { } binding
                && binding.BindType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is ServiceDescriptor descriptor)
            {
                return descriptor;
            }
        }
        throw new InvalidOperationException($"{implementation.Name} is not a generated gRPC service implementation.");
    }
}
