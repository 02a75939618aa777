using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>
/// Each service's own RabbitMQ account, loaded by the node at start-up (a definitions file): a service may publish
/// only to its own events' exchanges, so no service can forge another's events. It may declare and bind the
/// exchanges of the events it consumes and read its own queues (named "service-consumer"), plus MassTransit's
/// per-process bus queue ("..._bus_...").
/// </summary>
internal static class BrokerAccounts
{
    public static string Definitions(string administrator, string administratorPassword, IReadOnlyDictionary<string, string> servicePasswords,
        IReadOnlyDictionary<string, IReadOnlyList<string>> publishedBy)
    {
        var users = new List<object> { User(administrator, administratorPassword, "administrator") };
        var permissions = new List<object> { new { user = administrator, vhost = "/", configure = ".*", write = ".*", read = ".*" } };
        foreach (var (service, password) in servicePasswords)
        {
            users.Add(User(service, password, ""));
            var own = $"{service}-.*|.*_bus_.*";
            var published = publishedBy[service].Select(e => e.Replace(".", "\\.", StringComparison.Ordinal));
            permissions.Add(new
            {
                user = service,
                vhost = "/",
                configure = $"^({own}|inclusion\\.events\\.v1\\..*)$",
                write = $"^({string.Join('|', [own, .. published])})$",
                read = $"^({own}|inclusion\\.events\\.v1\\..*)$",
            });
        }
        return JsonSerializer.Serialize(new { users, vhosts = new[] { new { name = "/" } }, permissions },
            new JsonSerializerOptions { WriteIndented = true });
    }

    private static object User(string name, string password, string tags) =>
        new { name, password_hash = Hash(password), hashing_algorithm = "rabbit_password_hashing_sha256", tags };

    /// <summary>RabbitMQ's SHA-256 password hash: a 4-byte salt, then SHA-256 of salt and password, base64.</summary>
    private static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        var hash = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]);
        return Convert.ToBase64String([.. salt, .. hash]);
    }
}
