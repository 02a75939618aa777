using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace InclusionServices.Tests.Faults;

/// <summary>
/// A PostgreSQL of a fault test's own, in a folder of its own, that the test may stop and start: the shared test
/// servers must keep running for everything else. Run as the postgres user when the tests run as root, as test.sh does.
/// </summary>
public sealed class OwnPostgres : IDisposable
{
    private readonly string _folder;
    private Process? _server;

    private OwnPostgres(string folder, int port, string password) => (_folder, Port, Password) = (folder, port, password);

    public int Port { get; }
    public string Password { get; }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Password = Password, Database = database }.ConnectionString;

    public static async Task<OwnPostgres> StartAsync(string work)
    {
        var folder = Path.Combine(work, "postgres");
        Directory.CreateDirectory(folder);
        var password = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(folder, "password"), password);
        if (OwnProcesses.AsRoot)
        {
            await OwnProcesses.RunAsync("chown", ["-R", "postgres:postgres", folder]);
        }
        await OwnProcesses.RunAsync(OwnProcesses.AsPostgres(Path.Combine(OwnProcesses.PostgresBin, "initdb"),
            ["-D", Path.Combine(folder, "data"), "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={Path.Combine(folder, "password")}",
             "--encoding=UTF8", "--no-locale"]));
        var postgres = new OwnPostgres(folder, TestServers.FreePort(), password);
        await postgres.StartAsync();
        return postgres;
    }

    /// <summary>An empty database, as the app host provisions one for each service before its migration step.</summary>
    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>Starts the server on its port and waits until it takes connections.</summary>
    public async Task StartAsync()
    {
        var binary = Path.Combine(OwnProcesses.PostgresBin, "postgres");
        string[] arguments = ["-D", Path.Combine(_folder, "data"), "-p", Port.ToString(CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={_folder}", "-c", "max_connections=300", "-c", "fsync=off"];
        _server = OwnProcesses.Start(OwnProcesses.AsPostgres(binary, arguments));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A fast shutdown (SIGINT: sessions are ended, as an operator's restart or a failover does), then a start.</summary>
    public async Task RestartAsync()
    {
        await OwnProcesses.SignalAndWaitAsync(_server!, "INT");
        await StartAsync();
    }

    public void Dispose()
    {
        if (_server is { HasExited: false })
        {
            OwnProcesses.SignalAndWaitAsync(_server, "INT").GetAwaiter().GetResult();
        }
        _server?.Dispose();
    }
}

/// <summary>A RabbitMQ node of a fault test's own (its own name, ports, data and cookie), that the test may stop and start.</summary>
public sealed class OwnRabbitMq : IDisposable
{
    private readonly string _folder;
    private readonly int _port;
    private Process? _server;

    private OwnRabbitMq(string folder, int port, string password) => (_folder, _port, Password) = (folder, port, password);

    public string Password { get; }

    public string ConnectionString => $"amqp://faults:{Password}@127.0.0.1:{_port}/";

    public static async Task<OwnRabbitMq> StartAsync(string work)
    {
        var folder = Path.Combine(work, "rabbitmq");
        foreach (var sub in new[] { "home", "mnesia", "log" })
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
        }
        var port = TestServers.FreePort();
        var password = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(folder, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{port}
            default_user = faults
            default_pass = {password}
            """ + "\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "enabled_plugins"), "[].\n");
        var rabbit = new OwnRabbitMq(folder, port, password);
        await rabbit.StartAsync();
        return rabbit;
    }

    /// <summary>Starts the node with the same data as before and waits for "Server startup complete".</summary>
    public async Task StartAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo(OwnProcesses.RabbitMqServer) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["RABBITMQ_NODENAME"] = $"inclusion-faults-{_port}@localhost";
        start.Environment["RABBITMQ_NODE_PORT"] = _port.ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_DIST_PORT"] = TestServers.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_folder, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_folder, "log");
        start.Environment["RABBITMQ_LOGS"] = "-";
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_folder, "rabbitmq.conf");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_folder, "enabled_plugins");
        start.Environment["HOME"] = Path.Combine(_folder, "home");
        start.Environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        start.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("Server startup complete", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Stops the node (SIGTERM: the broker closes its connections and exits, as a broker restart does).</summary>
    public Task StopAsync() => OwnProcesses.SignalAndWaitAsync(_server!, "TERM");

    public void Dispose()
    {
        if (_server is { HasExited: false })
        {
            StopAsync().GetAwaiter().GetResult();
        }
        _server?.Dispose();
    }
}

/// <summary>Starting, signalling and finding what the fault tests run.</summary>
public static class OwnProcesses
{
    public static string PostgresBin => Setting("INCLUSION_TEST_POSTGRES_BIN");
    public static string RabbitMqServer => Setting("INCLUSION_TEST_RABBITMQ_SERVER");
    public static bool AsRoot => Environment.UserName == "root";

    /// <summary>A PostgreSQL program to run: through setpriv, as the postgres user, when the tests run as root (PostgreSQL refuses root).</summary>
    public static ProcessStartInfo AsPostgres(string binary, IEnumerable<string> arguments) => AsRoot
        ? new ProcessStartInfo("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", binary, .. arguments])
        : new ProcessStartInfo(binary, arguments);

    public static Process Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static Task RunAsync(string program, IEnumerable<string> arguments) => RunAsync(new ProcessStartInfo(program, arguments));

    public static async Task RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} failed ({process.ExitCode}): {await output}{errors}");
        }
    }

    /// <summary>Sends a signal (kill -SIGNAL pid) and waits up to 30 s for the process to end.</summary>
    public static async Task SignalAndWaitAsync(Process process, string signal)
    {
        if (process.HasExited)
        {
            return;
        }
        await RunAsync("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static string Setting(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run the fault tests with ./test.sh, which says where PostgreSQL and RabbitMQ are.");
}
