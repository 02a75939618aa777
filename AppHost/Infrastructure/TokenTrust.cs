using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>
/// Which tokens the services trust. A deployment names its identity provider (Authentication:Authority) and the
/// services trust only that. A local run has none, so the app host makes a signing key once per machine, kept beside
/// the local data like the database passwords (never committed), and tools/mint-token.cs signs with it.
/// </summary>
internal sealed record TokenTrust(string? Authority, string? SigningKey, string Issuer, string Audience)
{
    public const string SigningKeyFile = "signing-key";

    public static TokenTrust Resolve(IConfiguration configuration, string dataRoot)
    {
        var section = configuration.GetSection("Authentication");
        var authority = section["Authority"];
        var issuer = section["Issuer"] ?? "inclusion-services-development";
        var audience = section["Audience"] ?? "inclusion-services";
        if (!string.IsNullOrWhiteSpace(authority))
        {
            return new TokenTrust(authority, null, issuer, audience);
        }
        var key = section["SigningKey"] is { Length: > 0 } given
            ? given
            : Secrets.ReadOrCreatePassword(Path.Combine(Path.GetFullPath(dataRoot), SigningKeyFile), bytes: 32);
        return new TokenTrust(null, key, issuer, audience);
    }

    /// <summary>
    /// Gives a service the trust settings. A service trusting the local key runs as Development, the only
    /// environment in which it accepts one.
    /// </summary>
    public IResourceBuilder<T> ApplyTo<T>(IResourceBuilder<T> service) where T : IResourceWithEnvironment =>
        (SigningKey is null ? service : service.WithEnvironment("DOTNET_ENVIRONMENT", "Development").WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development"))
            .WithEnvironment("Authentication__Authority", Authority ?? "")
            .WithEnvironment("Authentication__SigningKey", SigningKey ?? "")
            .WithEnvironment("Authentication__Issuer", Issuer)
            .WithEnvironment("Authentication__Audience", Audience);

    /// <summary>
    /// A token signed with the local key, for the dashboard's commands and the operator. The subject names who acted in
    /// the services' audit: "dashboard-{role}" unless given.
    /// </summary>
    public string Mint(string role, string? schoolUrn, TimeSpan lifetime, string? subject = null)
    {
        var key = SigningKey ?? throw new InvalidOperationException("Tokens are minted only on a local run, which has a signing key.");
        var claims = new List<Claim> { new("sub", subject ?? $"dashboard-{role}"), new("role", role) };
        if (schoolUrn is not null)
        {
            claims.Add(new Claim("urn", schoolUrn));
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.Add(lifetime),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
