using System.Globalization;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace InclusionServices.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL 15 from the Debian packages, run by the app host as an executable resource with its cluster in a
/// git-ignored folder. PostgreSQL refuses to run as root, so as root it runs as the postgres user.
/// </summary>
internal static class LocalPostgres
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string User = "postgres";

    /// <summary>The server, and the superuser's connection string: the app host's alone, never a service's.</summary>
    public sealed record Server(IResourceBuilder<ExecutableResource> Resource, string ConnectionString, int Port);

    /// <summary>Where the cluster goes when the postgres user cannot reach the data folder (a clone under /root, say).</summary>
    public const string SharedClusterRoot = "/var/lib/inclusion-services";

    public static Server AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, string dataRoot, int port)
    {
        var root = Path.GetFullPath(Path.Combine(dataRoot, "postgres"));
        var password = Secrets.ReadOrCreatePassword(Path.Combine(root, "password"));
        var clusterRoot = ClusterRootFor(root);
        var cluster = Path.Combine(clusterRoot, "cluster");
        var sockets = Path.Combine(clusterRoot, "sockets");
        EnsureCluster(cluster, sockets, password);

        var postgresArgs = new[]
        {
            Path.Combine(BinDirectory, "postgres"), "-D", cluster, "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={sockets}", "-c", "max_connections=200",
        };
        var resource = Environment.IsPrivilegedProcess
            ? builder.AddExecutable(name, "setpriv", clusterRoot,
                ["--reuid=" + User, "--regid=" + User, "--init-groups", .. postgresArgs])
            : builder.AddExecutable(name, postgresArgs[0], clusterRoot, postgresArgs[1..]);

        var connectionString = $"Host=127.0.0.1;Port={port};Username={User};Password={password}";
        var healthCheck = $"{name}-accepts-connections";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck, _ => new PromptReadyCheck(new PostgresReadyCheck(connectionString)), HealthStatus.Unhealthy, tags: null));
        resource
            .WithEndpoint(name: "tcp", port: port, targetPort: port, scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
        return new Server(resource, connectionString, port);
    }

    /// <summary>
    /// A service's own database, owned by a login role of its own that may connect to nothing else: a service that is
    /// compromised reaches its own data only. The role and database are made (or brought up to date) when the
    /// server is ready; the database shows healthy once the service's role can use it.
    /// </summary>
    public static IResourceBuilder<ConnectionResource> AddServiceDatabase(this IDistributedApplicationBuilder builder, Server server,
        string role, string database, string secretsRoot)
    {
        var password = Secrets.ReadOrCreatePassword(Path.Combine(secretsRoot, $"{role}-database-password"));
        server.Resource.OnResourceReady((_, _, cancellationToken) =>
            ServiceDatabaseProvisioning.EnsureAsync(server.ConnectionString, role, password, database, cancellationToken));

        var connectionString = $"Host=127.0.0.1;Port={server.Port};Username={role};Password={password};Database={database}";
        var healthCheck = $"{database}-accepts-{role}";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck, _ => new PromptReadyCheck(new PostgresReadyCheck(connectionString)), HealthStatus.Unhealthy, tags: null));
        return builder.AddConnection(database, connectionString, server.Resource.Resource, "PostgresDatabase")
            .WithHealthCheck(healthCheck);
    }

    /// <summary>
    /// The folder for the cluster and its sockets. As root, PostgreSQL runs as the postgres user, who must be able to
    /// reach it: beside the rest of the local data when every folder above it lets others through (the usual case),
    /// else (a clone in root's home, which is closed to others) a folder of its own under /var/lib, one per data folder.
    /// </summary>
    public static string ClusterRootFor(string root)
    {
        if (!Environment.IsPrivilegedProcess || PostgresUserCanReach(Path.GetDirectoryName(root)!))
        {
            return root;
        }
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(root)))[..12].ToLowerInvariant();
        var shared = Path.Combine(SharedClusterRoot, key);
        Console.WriteLine($"PostgreSQL's cluster is kept in {shared}: the postgres user cannot reach {root} (its password stays there).");
        return shared;
    }

    private static bool PostgresUserCanReach(string folder)
    {
        Directory.CreateDirectory(folder);
        return Exit("runuser", ["-u", User, "--", "test", "-x", folder]) == 0;
    }

    /// <summary>Creates the cluster the first time (under a second), owned by the user that will run it.</summary>
    private static void EnsureCluster(string cluster, string sockets, string password)
    {
        Directory.CreateDirectory(sockets);
        if (File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            return;
        }
        Directory.CreateDirectory(cluster);
        var clusterRoot = Path.GetDirectoryName(cluster)!;
        // initdb reads the superuser's password from a file the running user can read; it goes once initdb is done.
        var passwordFile = Path.Combine(clusterRoot, "initdb-password");
        Secrets.WriteOwnerOnly(passwordFile, password);
        var initdb = Path.Combine(BinDirectory, "initdb");
        string[] initArgs = ["-D", cluster, "-U", User, "--auth=scram-sha-256", "--pwfile=" + passwordFile,
            "--encoding=UTF8", "--no-locale"];
        try
        {
            if (Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(clusterRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                Run("chown", ["-R", $"{User}:{User}", clusterRoot]);
                Run("runuser", ["-u", User, "--", initdb, .. initArgs]);
            }
            else
            {
                Run(initdb, initArgs);
            }
        }
        catch (InvalidOperationException failed)
        {
            Directory.Delete(cluster, recursive: true);
            throw new StartupProblem($"PostgreSQL's cluster could not be made in {cluster} ({failed.Message.Trim()}). " +
                "Check that the user running PostgreSQL may write there, then start again.", failed);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static int Exit(string command, string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        process.WaitForExit();
        return process.ExitCode;
    }

    private static void Run(string command, string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{command} {string.Join(' ', args)}' failed ({process.ExitCode}): {errors}{output.Result}");
        }
    }

    /// <summary>Speaks the PostgreSQL protocol: an open TCP port alone proves nothing.</summary>
    private sealed class PostgresReadyCheck(string connectionString) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString + ";Timeout=3");
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not accept connections yet.", exception);
            }
        }
    }
}
