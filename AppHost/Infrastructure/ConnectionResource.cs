namespace InclusionServices.AppHost.Infrastructure;

/// <summary>
/// A database or broker account on a server this app host runs itself: gives services an ordinary
/// ConnectionStrings entry and shows on the dashboard beneath its server.
/// </summary>
public sealed class ConnectionResource(string name, string connectionString, IResource parent)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent
{
    public IResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{connectionString}");
}

internal static class ConnectionResourceExtensions
{
    public static IResourceBuilder<ConnectionResource> AddConnection(
        this IDistributedApplicationBuilder builder, string name, string connectionString, IResource server, string type) =>
        builder.AddResource(new ConnectionResource(name, connectionString, server))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = type,
                State = KnownResourceStates.Running,
                Properties = [],
            })
            .ExcludeFromManifest();
}
