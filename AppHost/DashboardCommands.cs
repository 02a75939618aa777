using System.Security.Claims;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using InclusionServices.AppHost.Infrastructure;
using InclusionServices.DemoData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InclusionServices.AppHost;

/// <summary>
/// The operator's commands on the dashboard. Those that call the services act as a short-lived user signed with the
/// local key, so they are offered only on a local run; a deployment's staff call the same RPCs with their own tokens.
/// Each reports success or a readable failure in the dashboard's notification.
/// </summary>
internal static class DashboardCommands
{
    public const string ServiceNames = "referrals, meetings, placements, reporting";
    private static readonly string[] Services = ["referrals", "meetings", "placements", "reporting"];
    private static readonly string[] Roles = ["officer", "manager", "analyst", "school", "service"];

    /// <summary>Links to the service's API reference page and OpenAPI document, and a command that shows them.</summary>
    public static IResourceBuilder<InclusionServiceResource> WithApiReference(this IResourceBuilder<InclusionServiceResource> service) => service
        .WithUrlForEndpoint("http", endpoint => new ResourceUrlAnnotation { Url = "/scalar/v1", DisplayText = "API reference (HTTP/JSON)" })
        .WithCommand("open-api-reference", "API reference", context =>
            {
                var http = service.GetEndpoint("http").Url;
                return Task.FromResult(CommandResults.Success("The API reference is served by the service itself.",
                    $"""
                    **{context.ResourceName}** answers gRPC on {service.GetEndpoint("grpc").Url} and HTTP/JSON on {http}.

                    - [API reference]({http}/scalar/v1): every HTTP/JSON call, with a "try it" form (paste a token from *Mint a token*).
                    - [OpenAPI document]({http}/openapi/v1.json), for client generators.
                    - gRPC reflection is on: `grpcurl -plaintext {service.GetEndpoint("grpc").Url.Replace("http://", "", StringComparison.Ordinal)} list`.
                    """, CommandResultFormat.Markdown, displayImmediately: true));
            },
            new CommandOptions
            {
                Description = "Show links to this service's API reference page and OpenAPI document.",
                IconName = "BookOpen",
                UpdateState = state => state.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            });

    /// <summary>"Mint a token" on the referrals resource: a bearer token for a chosen role, shown once.</summary>
    public static IResourceBuilder<InclusionServiceResource> WithMintTokenCommand(this IResourceBuilder<InclusionServiceResource> referrals, TokenTrust tokens) =>
        referrals.WithCommand("mint-token", "Mint a token", context =>
            {
                if (tokens.SigningKey is null)
                {
                    return Task.FromResult(CommandResults.Failure("This deployment trusts its identity provider: sign in there for a token."));
                }
                var role = context.Arguments.GetString("role") ?? "";
                var urn = context.Arguments.GetString("urn")?.Trim();
                if (!Roles.Contains(role))
                {
                    return Task.FromResult(CommandResults.Failure($"Choose a role: {string.Join(", ", Roles)}."));
                }
                if ((role == "school") != !string.IsNullOrEmpty(urn) || (urn is { Length: > 0 } && !(urn.Length == 6 && urn.All(char.IsAsciiDigit))))
                {
                    return Task.FromResult(CommandResults.Failure("A school token needs the school's 6-digit URN; other roles take none."));
                }
                var token = tokens.Mint(role, string.IsNullOrEmpty(urn) ? null : urn, TimeSpan.FromHours(8));
                return Task.FromResult(CommandResults.Success($"A {role} token, valid for 8 hours on this machine only.", token,
                    CommandResultFormat.Text, displayImmediately: true));
            },
            new CommandOptions
            {
                Description = "A bearer token for a role, signed with this machine's local key (valid for 8 hours; never accepted by a deployment).",
                IconName = "Key",
                Arguments =
                [
                    new Aspire.Hosting.InteractionInput
                    {
                        Name = "role", Label = "Role", InputType = Aspire.Hosting.InputType.Choice, Required = true,
                        Options = [.. Roles.Select(r => KeyValuePair.Create(r, r))],
                    },
                    new Aspire.Hosting.InteractionInput
                    {
                        Name = "urn", Label = "School URN (school role only)", InputType = Aspire.Hosting.InputType.Text, MaxLength = 6,
                    },
                ],
                UpdateState = _ => tokens.SigningKey is null ? ResourceCommandState.Disabled : ResourceCommandState.Enabled,
            });

    /// <summary>"Rebuild read models" on the reporting resource: ReadModels/RebuildReadModels as a manager.</summary>
    public static IResourceBuilder<InclusionServiceResource> WithRebuildCommand(this IResourceBuilder<InclusionServiceResource> reporting, TokenTrust tokens) =>
        reporting.WithCommand("rebuild-read-models", "Rebuild read models", async context =>
            {
                if (tokens.SigningKey is null)
                {
                    return CommandResults.Failure("This deployment trusts its identity provider: call ReadModels/RebuildReadModels with a manager's token.");
                }
                using var channel = GrpcChannel.ForAddress(reporting.GetEndpoint("grpc").Url);
                try
                {
                    var rebuild = await new Inclusion.Reporting.V1.ReadModels.ReadModelsClient(channel).RebuildReadModelsAsync(
                        new Inclusion.Reporting.V1.RebuildReadModelsRequest(),
                        new Metadata { { "Authorization", "Bearer " + tokens.Mint("manager", null, TimeSpan.FromMinutes(5)) } },
                        deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: context.CancellationToken);
                    return CommandResults.Success($"{rebuild.Name} started: Reporting's traces and logs show its progress.");
                }
                catch (RpcException refused)
                {
                    return CommandResults.Failure($"{refused.StatusCode}: {refused.Status.Detail}");
                }
            },
            new CommandOptions
            {
                Description = "Empty Reporting's read models and replay the event history of Referrals, Meetings and Placements into them.",
                ConfirmationMessage = "Rebuild Reporting's read models from every service's event history? Reports are partial until it finishes.",
                IconName = "ArrowSync",
                UpdateState = state => tokens.SigningKey is not null && state.ResourceSnapshot.HealthStatus == HealthStatus.Healthy
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });

    /// <summary>
    /// "Seed demonstration data" on the referrals resource, and the same once the suite is healthy when the app host is
    /// started with --demo (./run.sh --demo).
    /// </summary>
    public static void AddDemoData(this IDistributedApplicationBuilder builder, IReadOnlyDictionary<string, IResourceBuilder<InclusionServiceResource>> services,
        TokenTrust tokens, bool seedAtStart)
    {
        services["referrals"].WithCommand("seed-demo-data", "Seed demonstration data", async context =>
            {
                try
                {
                    return CommandResults.Success((await SeedAsync(services, tokens, context.CancellationToken)).ToString());
                }
                catch (RpcException refused)
                {
                    return CommandResults.Failure($"The seeder stopped at {refused.StatusCode}: {refused.Status.Detail} Run it again to carry on.");
                }
            },
            new CommandOptions
            {
                Description = "A synthetic year of schools, pupils, referrals, meetings, exclusions and placements, made through the APIs. Running it again changes nothing.",
                ConfirmationMessage = "Add the demonstration schools and pupils (all synthetic, names begin \"Demo\") to this local suite?",
                IconName = "DatabaseArrowUp",
                UpdateState = state => tokens.SigningKey is not null && state.ResourceSnapshot.HealthStatus == HealthStatus.Healthy
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });
        if (!seedAtStart || tokens.SigningKey is null)
        {
            return;
        }
        // Not awaited in the handler: the resource counts as ready only once its handlers return, and the seeder needs
        // every service healthy first.
        services["reporting"].OnResourceReady((_, ready, _) =>
        {
            var stopping = ready.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = SeedWhenHealthyAsync(ready.Services, services, tokens, stopping);
            return Task.CompletedTask;
        });
    }

    private static async Task SeedWhenHealthyAsync(IServiceProvider host, IReadOnlyDictionary<string, IResourceBuilder<InclusionServiceResource>> services,
        TokenTrust tokens, CancellationToken cancellationToken)
    {
        var notifications = host.GetRequiredService<ResourceNotificationService>();
        var logger = host.GetRequiredService<ResourceLoggerService>().GetLogger(services["referrals"].Resource);
        try
        {
            foreach (var name in Services)
            {
                await notifications.WaitForResourceHealthyAsync(name, cancellationToken);
            }
            logger.LogInformation("{Summary}", await SeedAsync(services, tokens, cancellationToken));
        }
        catch (RpcException refused)
        {
            logger.LogWarning("Demonstration data stopped at {Status}: {Detail} Use the dashboard's Seed demonstration data to carry on.",
                refused.StatusCode, refused.Status.Detail);
        }
        catch (OperationCanceledException)
        {
            // The suite stopped first.
        }
    }

    private static async Task<DemoSummary> SeedAsync(IReadOnlyDictionary<string, IResourceBuilder<InclusionServiceResource>> services, TokenTrust tokens,
        CancellationToken cancellationToken)
    {
        using var referrals = GrpcChannel.ForAddress(services["referrals"].GetEndpoint("grpc").Url);
        using var meetings = GrpcChannel.ForAddress(services["meetings"].GetEndpoint("grpc").Url);
        using var placements = GrpcChannel.ForAddress(services["placements"].GetEndpoint("grpc").Url);
        using var reporting = GrpcChannel.ForAddress(services["reporting"].GetEndpoint("grpc").Url);
        var seeder = new DemoSeeder(new DemoServices(referrals, meetings, placements, reporting),
            (role, urn) => tokens.Mint(role, urn, TimeSpan.FromMinutes(30), subject: "demo-seeder"));
        return await seeder.SeedAsync(cancellationToken);
    }
}
