using System.Diagnostics;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>Where PostgreSQL and RabbitMQ come from.</summary>
public enum InfrastructureMode
{
    /// <summary>PostgreSQL 15 and RabbitMQ from the Debian packages, run as Aspire executables. No container runtime.</summary>
    Local,
    /// <summary>AddPostgres / AddRabbitMQ containers, where Docker or Podman answers.</summary>
    Containers,
    /// <summary>Servers run by someone else: connection strings come from configuration.</summary>
    External,
}

/// <summary>The "Infrastructure" configuration section of the app host.</summary>
public sealed class InfrastructureSettings
{
    public string? Mode { get; set; }
    /// <summary>Where local servers keep their data, relative to the app host project (git-ignored).</summary>
    public string DataDirectory { get; set; } = "../.local/run";
    // Below Linux's ephemeral range (32768-60999): a listening port in it can be taken a moment before by the local
    // end of an outgoing connection (55674, the broker's Erlang distribution port, once was, by a connection to
    // PostgreSQL, and the broker failed to boot).
    public int PostgresPort { get; set; } = 28432;
    public int RabbitMqPort { get; set; } = 28672;
    public int RabbitMqManagementPort { get; set; } = 28673;

    public InfrastructureMode ResolveMode()
    {
        if (!string.IsNullOrWhiteSpace(Mode))
        {
            return Enum.TryParse<InfrastructureMode>(Mode, ignoreCase: true, out var chosen)
                ? chosen
                : throw new InvalidOperationException(
                    $"Infrastructure:Mode '{Mode}' is not one of: local, containers, external.");
        }
        return ContainerRuntimeAnswers() ? InfrastructureMode.Containers : InfrastructureMode.Local;
    }

    /// <summary>A docker client alone is not enough: the engine behind it must answer.</summary>
    private static bool ContainerRuntimeAnswers()
    {
        foreach (var runtime in new[] { "docker", "podman" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, "info")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                });
                if (process is null)
                {
                    continue;
                }
                if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }
                if (process.ExitCode == 0)
                {
                    return true;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed.
            }
        }
        return false;
    }
}
