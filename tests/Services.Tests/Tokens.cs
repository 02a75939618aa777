using System.Security.Claims;
using System.Text;
using Grpc.Core;
using InclusionServices.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InclusionServices.Tests;

/// <summary>Bearer tokens signed with the tests' development key, for any role.</summary>
public static class Tokens
{
    public const string SigningKey = "tests-only-signing-key-0123456789-abcdefghij";
    public const string Issuer = "inclusion-services-tests";
    public const string Audience = "inclusion-services";

    public static Dictionary<string, string?> ServiceSettings => new()
    {
        ["Authentication:SigningKey"] = SigningKey,
        ["Authentication:Issuer"] = Issuer,
        ["Authentication:Audience"] = Audience,
    };

    public static string For(string role, string? schoolUrn = null, string signingKey = SigningKey)
    {
        // One user per role (and per school): their subject keys what they may repeat and what the audit names.
        var claims = new List<Claim> { new(InclusionClaims.Role, role), new("sub", schoolUrn is null ? $"test-{role}" : $"test-{role}-{schoolUrn}") };
        if (schoolUrn is not null)
        {
            claims.Add(new Claim(InclusionClaims.SchoolUrn, schoolUrn));
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddMinutes(30),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    public static Metadata Header(string role, string? schoolUrn = null) =>
        new() { { "Authorization", $"Bearer {For(role, schoolUrn)}" } };

    /// <summary>A token with exactly these claims (for tokens an identity provider should never have issued).</summary>
    public static Metadata HeaderWithClaims(params Claim[] claims) =>
        new() { { "Authorization", "Bearer " + new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddMinutes(30),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        }) } };
}
