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
    public const string Subject = "sub";

    /// <summary>The URN a school user is limited to, or null for council staff and services.</summary>
    public static string? SchoolUrnOf(ClaimsPrincipal user) =>
        user.IsInRole(InclusionRoles.School) ? user.FindFirstValue(SchoolUrn) : null;

    /// <summary>Whether the user may see records of this school: council staff and services all, a school user its own.</summary>
    public static bool MaySee(ClaimsPrincipal user, string schoolUrn) => SchoolUrnOf(user) is not { } own || own == schoolUrn;

    /// <summary>Who made a request: the token's subject, which every accepted token has.</summary>
    public static string CallerOf(ClaimsPrincipal user) => user.FindFirstValue(Subject) ?? "";
}

/// <summary>Settings of the "Authentication" configuration section.</summary>
public sealed class BearerTokenSettings
{
    public const string SectionName = "Authentication";

    /// <summary>The council's identity provider (OpenID Connect metadata and signing keys are read from it). Production.</summary>
    public string? Authority { get; set; }
    /// <summary>A shared HMAC key of at least 32 characters, made per machine by the app host. Local runs and tests only.</summary>
    public string? SigningKey { get; set; }
    /// <summary>The issuer tokens must name; with an Authority, the one its metadata gives unless set here.</summary>
    public string? Issuer { get; set; } = "inclusion-services-development";
    public string Audience { get; set; } = "inclusion-services";
    /// <summary>The claim that carries the user's roles at the identity provider (Entra ID app roles: "roles").</summary>
    public string RoleClaim { get; set; } = InclusionClaims.Role;
    /// <summary>The claim that carries a school user's URN at the identity provider.</summary>
    public string SchoolUrnClaim { get; set; } = InclusionClaims.SchoolUrn;
    /// <summary>
    /// The identity provider's role names for the suite's roles, e.g. "Inclusion.Officer" = "officer"; a role
    /// not listed keeps its own name (and must then be one of the suite's to count).
    /// </summary>
    public Dictionary<string, string> RoleNames { get; set; } = [];
}

public static class Authentication
{
    /// <summary>
    /// Every RPC requires a valid bearer token unless its endpoint opts out (health and reflection do). A deployment
    /// trusts only its identity provider: a shared signing key is accepted in a Development (local or test) run alone,
    /// and never together with an Authority.
    /// </summary>
    public static IHostApplicationBuilder AddInclusionAuthentication(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(BearerTokenSettings.SectionName).Get<BearerTokenSettings>()
            ?? new BearerTokenSettings();
        Check(settings, builder.Environment);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                var local = string.IsNullOrWhiteSpace(settings.Authority);
                if (!local)
                {
                    options.Authority = settings.Authority;
                }
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = local || !string.IsNullOrWhiteSpace(settings.Issuer),
                    ValidIssuer = string.IsNullOrWhiteSpace(settings.Issuer) ? null : settings.Issuer,
                    ValidAudience = settings.Audience,
                    RoleClaimType = InclusionClaims.Role,
                    NameClaimType = InclusionClaims.Subject,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    IssuerSigningKey = local ? new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey!)) : null,
                };
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        var (identity, refusal) = SuiteIdentity(context.Principal!, settings);
                        if (refusal is not null)
                        {
                            context.Fail(refusal);
                        }
                        else
                        {
                            context.Principal = new ClaimsPrincipal(identity!);
                        }
                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddNobodyPolicy();
        return builder;
    }

    /// <summary>Refuses to start with a configuration that would trust the wrong tokens.</summary>
    internal static void Check(BearerTokenSettings settings, IHostEnvironment environment)
    {
        var hasAuthority = !string.IsNullOrWhiteSpace(settings.Authority);
        var hasKey = !string.IsNullOrWhiteSpace(settings.SigningKey);
        if (hasAuthority && hasKey)
        {
            throw new InvalidOperationException(
                "Both Authentication:Authority and Authentication:SigningKey are set: a service trusts its identity provider " +
                "or, in a local run, a shared key — never both. Remove the signing key.");
        }
        if (!hasAuthority && !hasKey)
        {
            throw new InvalidOperationException(
                "No token issuer is configured: set Authentication:Authority to the council's identity provider, " +
                "or Authentication:SigningKey (at least 32 characters) for a local run.");
        }
        if (hasKey && !environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"Authentication:SigningKey is for local runs and tests only, and this is the {environment.EnvironmentName} " +
                "environment: set Authentication:Authority to the council's identity provider instead.");
        }
        if (hasKey && settings.SigningKey!.Length < 32)
        {
            throw new InvalidOperationException("Authentication:SigningKey must be at least 32 characters.");
        }
    }

    /// <summary>
    /// The caller as the suite sees it: the identity provider's role names mapped to the suite's, and the school URN
    /// under the suite's claim names. A token is refused (401) when it has no subject, when a school token lacks a
    /// valid URN (otherwise a claim-mapping mistake at the provider would open every school's records), or when a
    /// school token also claims another role.
    /// </summary>
    internal static (ClaimsIdentity? Identity, string? Refusal) SuiteIdentity(ClaimsPrincipal token, BearerTokenSettings settings)
    {
        var subject = token.FindFirstValue(InclusionClaims.Subject);
        if (string.IsNullOrWhiteSpace(subject))
        {
            return (null, "The token has no subject (sub): every call must say who made it.");
        }
        var roles = token.FindAll(settings.RoleClaim)
            .Select(c => settings.RoleNames.TryGetValue(c.Value, out var mapped) ? mapped : c.Value)
            .Where(InclusionRoles.All.Contains)
            .Distinct()
            .ToList();
        var urn = token.FindFirstValue(settings.SchoolUrnClaim);
        if (roles.Contains(InclusionRoles.School))
        {
            if (roles.Count > 1)
            {
                return (null, "A school token carries the school role alone.");
            }
            if (urn is null || urn.Length != 6 || !urn.All(char.IsAsciiDigit))
            {
                return (null, "A school token must carry the school's 6-digit URN.");
            }
        }
        var identity = new ClaimsIdentity(JwtBearerDefaults.AuthenticationScheme, InclusionClaims.Subject, InclusionClaims.Role);
        identity.AddClaim(new Claim(InclusionClaims.Subject, subject));
        identity.AddClaims(roles.Select(role => new Claim(InclusionClaims.Role, role)));
        if (roles.Contains(InclusionRoles.School))
        {
            identity.AddClaim(new Claim(InclusionClaims.SchoolUrn, urn!));
        }
        return (identity, null);
    }
}

/// <summary>A record about one school's pupil: school users may see their own school's records only.</summary>
public interface IBelongsToSchool
{
    string SchoolUrn { get; }
}

public static class SchoolScoping
{
    /// <summary>
    /// The records this user may see: a school user's own school's, council staff and services all. Applied in the
    /// query itself, so another school's record is never even read for a school user.
    /// </summary>
    public static IQueryable<T> VisibleTo<T>(this IQueryable<T> records, ClaimsPrincipal user) where T : class, IBelongsToSchool =>
        InclusionClaims.SchoolUrnOf(user) is { } own ? records.Where(r => r.SchoolUrn == own) : records;
}
