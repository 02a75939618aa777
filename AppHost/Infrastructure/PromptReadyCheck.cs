using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>
/// Asks a server whether it is ready every quarter of a second, for up to ten seconds, before answering Unhealthy.
/// The app host asks again after an Unhealthy answer only after 1, 2, 3, 4 and then 5 seconds, so a server that
/// became ready just after an answer kept whatever waits for it (the migration steps, the services) waiting up to five
/// seconds more; a start is about twenty seconds in all.
/// </summary>
internal sealed class PromptReadyCheck(IHealthCheck server) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var giveUpAt = DateTime.UtcNow + Patience;
        while (true)
        {
            var answer = await server.CheckHealthAsync(context, cancellationToken);
            if (answer.Status == HealthStatus.Healthy || DateTime.UtcNow + Pause > giveUpAt)
            {
                return answer;
            }
            await Task.Delay(Pause, cancellationToken);
        }
    }
}
