using System.Security.Claims;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using InclusionServices.AppHost.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InclusionServices.AppHost;

/// <summary>
/// "Rebuild read models" on the reporting resource of the dashboard: asks Reporting (ReadModels/RebuildReadModels) to
/// empty its read models and replay every service's history, as a manager. Offered on a local run, where the app host
/// holds the signing key; a deployment's managers call the RPC with their own token.
/// </summary>
internal static class ReadModelCommand
{
    public static IResourceBuilder<ProjectResource> WithRebuildCommand(this IResourceBuilder<ProjectResource> reporting, TokenTrust tokens) =>
        reporting.WithCommand("rebuild-read-models", "Rebuild read models", context => RebuildAsync(reporting, tokens, context.CancellationToken),
            new CommandOptions
            {
                Description = "Empty Reporting's read models and replay the event history of Referrals, Meetings and Placements into them.",
                ConfirmationMessage = "Rebuild Reporting's read models from every service's event history? Reports are partial until it finishes.",
                IconName = "ArrowSync",
                UpdateState = state => tokens.SigningKey is not null && state.ResourceSnapshot.HealthStatus == HealthStatus.Healthy
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });

    private static async Task<ExecuteCommandResult> RebuildAsync(IResourceBuilder<ProjectResource> reporting, TokenTrust tokens,
        CancellationToken cancellationToken)
    {
        if (tokens.SigningKey is null)
        {
            return CommandResults.Failure("This deployment trusts its identity provider: call ReadModels/RebuildReadModels with a manager's token.");
        }
        using var channel = GrpcChannel.ForAddress(reporting.GetEndpoint("grpc").Url);
        var client = new Inclusion.Reporting.V1.ReadModels.ReadModelsClient(channel);
        try
        {
            var rebuild = await client.RebuildReadModelsAsync(new Inclusion.Reporting.V1.RebuildReadModelsRequest(),
                new Metadata { { "Authorization", "Bearer " + ManagerToken(tokens) } },
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
            return CommandResults.Success($"{rebuild.Name} started: Reporting's traces and logs show its progress.");
        }
        catch (RpcException refused)
        {
            return CommandResults.Failure($"{refused.StatusCode}: {refused.Status.Detail}");
        }
    }

    /// <summary>A short-lived manager token for the operator at the dashboard, signed with the local key.</summary>
    private static string ManagerToken(TokenTrust tokens) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = tokens.Issuer,
        Audience = tokens.Audience,
        Subject = new ClaimsIdentity([new Claim("sub", "dashboard-operator"), new Claim("role", "manager")]),
        Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(tokens.SigningKey!)), SecurityAlgorithms.HmacSha256),
    });
}
