using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace InclusionServices.ServiceDefaults;

/// <summary>The roles a bearer token can carry, in the claim named <see cref="InclusionClaims.Role"/>.</summary>
public static class InclusionRoles
{
    /// <summary>School staff: carries the school's URN and may only ever see that school's pupils.</summary>
    public const string School = "school";
    /// <summary>Inclusion Support Officers and Senior Inclusion Officers.</summary>
    public const string Officer = "officer";
    /// <summary>The Inclusion Team manager: allocates work and edits reference data.</summary>
    public const string Manager = "manager";
    /// <summary>Aggregate reports only; never a pupil record.</summary>
    public const string Analyst = "analyst";
    /// <summary>Another service of the suite, or a reporting job.</summary>
    public const string Service = "service";

    public static readonly IReadOnlyList<string> All = [School, Officer, Manager, Analyst, Service];
}

public static class InclusionClaims
{
    public const string Role = "role";
    /// <summary>The school's Unique Reference Number, on tokens with the school role.</summary>
    public const string SchoolUrn = "urn";

    /// <summary>The URN a school user is limited to, or null for council staff and services.</summary>
    public static string? SchoolUrnOf(ClaimsPrincipal user) =>
        user.IsInRole(InclusionRoles.School) ? user.FindFirstValue(SchoolUrn) : null;

    /// <summary>Whether the user may see records of this school: council staff and services all, a school user its own.</summary>
    public static bool MaySee(ClaimsPrincipal user, string schoolUrn) => SchoolUrnOf(user) is not { } own || own == schoolUrn;
}

/// <summary>Settings of the "Authentication" configuration section.</summary>
public sealed class BearerTokenSettings
{
    public const string SectionName = "Authentication";

    /// <summary>The council's identity provider (OpenID Connect metadata is read from it). Production.</summary>
    public string? Authority { get; set; }
    /// <summary>A shared HMAC key of at least 32 characters. Local runs and tests only.</summary>
    public string? SigningKey { get; set; }
    public string Issuer { get; set; } = "inclusion-services-development";
    public string Audience { get; set; } = "inclusion-services";
}

public static class Authentication
{
    /// <summary>
    /// Every RPC requires a valid bearer token unless its endpoint opts out (health and reflection do).
    /// </summary>
    public static IHostApplicationBuilder AddInclusionAuthentication(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(BearerTokenSettings.SectionName).Get<BearerTokenSettings>()
            ?? new BearerTokenSettings();
        if (string.IsNullOrWhiteSpace(settings.Authority) && string.IsNullOrWhiteSpace(settings.SigningKey))
        {
            throw new InvalidOperationException(
                "No token issuer is configured: set Authentication:Authority to the council's identity provider, " +
                "or Authentication:SigningKey (at least 32 characters) for a local run.");
        }
        if (!string.IsNullOrWhiteSpace(settings.SigningKey) && settings.SigningKey.Length < 32)
        {
            throw new InvalidOperationException("Authentication:SigningKey must be at least 32 characters.");
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                if (!string.IsNullOrWhiteSpace(settings.Authority))
                {
                    options.Authority = settings.Authority;
                }
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    RoleClaimType = InclusionClaims.Role,
                    NameClaimType = "sub",
                    ClockSkew = TimeSpan.FromSeconds(30),
                    IssuerSigningKey = string.IsNullOrWhiteSpace(settings.SigningKey)
                        ? null
                        : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey)),
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}
