using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InclusionServices.ServiceDefaults;

/// <summary>
/// The token a service shows when it calls another service of the suite: the service role and its own identity,
/// nothing more. In production it comes from the identity provider by the client-credentials flow
/// (Authentication:ClientId and ClientSecret, the token endpoint from the Authority's metadata unless
/// Authentication:TokenEndpoint is set); in a local run it is signed with the local key. Kept until shortly before
/// it expires.
/// </summary>
public sealed class ServiceTokens(IConfiguration configuration, IHostEnvironment environment, IHttpClientFactory http)
{
    // A token's times are checked by another process against the real clock, whatever clock this service's rules use.
    private static readonly TimeProvider time = TimeProvider.System;
    private static readonly TimeSpan LocalLifetime = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _current;

    /// <summary>The service's name in tokens and the audit trail, e.g. "service:meetings".</summary>
    public string Subject => "service:" + environment.ApplicationName.Split('.')[0].ToLowerInvariant();

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } held && held.Expires - RenewBefore > time.GetUtcNow())
        {
            return held.Token;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } renewed && renewed.Expires - RenewBefore > time.GetUtcNow())
            {
                return renewed.Token;
            }
            var settings = configuration.GetSection(BearerTokenSettings.SectionName).Get<BearerTokenSettings>() ?? new BearerTokenSettings();
            _current = string.IsNullOrWhiteSpace(settings.SigningKey)
                ? await FromIdentityProviderAsync(settings, cancellationToken)
                : SignLocally(settings);
            return _current.Value.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private (string, DateTimeOffset) SignLocally(BearerTokenSettings settings)
    {
        var expires = time.GetUtcNow() + LocalLifetime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity([new Claim(InclusionClaims.Subject, Subject), new Claim(InclusionClaims.Role, InclusionRoles.Service)]),
            IssuedAt = time.GetUtcNow().UtcDateTime,
            NotBefore = time.GetUtcNow().UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey!)), SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    private async Task<(string, DateTimeOffset)> FromIdentityProviderAsync(BearerTokenSettings settings, CancellationToken cancellationToken)
    {
        var clientId = configuration["Authentication:ClientId"];
        var secret = configuration["Authentication:ClientSecret"];
        if (string.IsNullOrWhiteSpace(clientId) || string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidOperationException(
                "This service calls another and needs Authentication:ClientId and Authentication:ClientSecret for the client-credentials flow.");
        }
        using var client = http.CreateClient(nameof(ServiceTokens));
        var endpoint = configuration["Authentication:TokenEndpoint"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            var metadata = await client.GetFromJsonAsync<Discovery>(settings.Authority!.TrimEnd('/') + "/.well-known/openid-configuration", cancellationToken);
            endpoint = metadata?.TokenEndpoint ?? throw new InvalidOperationException("The identity provider's metadata names no token endpoint.");
        }
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (configuration["Authentication:Scope"] is { Length: > 0 } scope)
        {
            form["scope"] = scope;
        }
        using var response = await client.PostAsync(endpoint, new FormUrlEncodedContent(form), cancellationToken);
        response.EnsureSuccessStatusCode();
        var issued = await response.Content.ReadFromJsonAsync<Issued>(cancellationToken)
            ?? throw new InvalidOperationException("The identity provider answered without a token.");
        return (issued.AccessToken, time.GetUtcNow().AddSeconds(issued.ExpiresIn));
    }

    private sealed record Discovery([property: JsonPropertyName("token_endpoint")] string? TokenEndpoint);

    private sealed record Issued(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
