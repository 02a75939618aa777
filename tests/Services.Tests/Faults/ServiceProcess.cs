using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Net.Client;

namespace InclusionServices.Tests.Faults;

/// <summary>
/// A service's own binary (the build the tests run in) started as a process of its own, as a deployment runs it,
/// so a fault test can kill it mid-message or run several replicas side by side.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log;

    private ServiceProcess(Process process, ConcurrentQueue<string> log, Uri grpc) => (_process, _log, GrpcAddress) = (process, log, grpc);

    public Uri GrpcAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the service wrote to its console (warnings and errors), for a failure's message.</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>The service's migration step, run to completion, as the app host runs it before the service starts.</summary>
    public static async Task MigrateAsync(string project, string connectionName, string database)
    {
        var start = Binary(project, ["--migrate"]);
        start.Environment[$"ConnectionStrings__{connectionName}"] = database;
        await OwnProcesses.RunAsync(start);
    }

    /// <summary>Starts the service with these settings (configuration keys as in appsettings.json) and waits until it is ready.</summary>
    public static async Task<ServiceProcess> StartAsync(string project, IReadOnlyDictionary<string, string?> settings)
    {
        var (grpc, http) = (TestServers.FreePort(), TestServers.FreePort());
        var start = Binary(project, []);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Kestrel__Endpoints__grpc__Url"] = $"http://127.0.0.1:{grpc}";
        start.Environment["Kestrel__Endpoints__http__Url"] = $"http://127.0.0.1:{http}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var log = new ConcurrentQueue<string>();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) log.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) log.Enqueue(line.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, log, new Uri($"http://127.0.0.1:{grpc}"));
        using var health = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(200))
        {
            try
            {
                if ((await health.GetAsync($"http://127.0.0.1:{http}/health")).IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (Exception problem) when (problem is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                service.Dispose();
                throw new InvalidOperationException($"{project} did not become ready:\n{service.Log}");
            }
        }
    }

    public GrpcChannel NewChannel() => GrpcChannel.ForAddress(GrpcAddress);

    /// <summary>SIGKILL: the process ends at once, wherever it was (mid-message, mid-transaction).</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }

    private static ProcessStartInfo Binary(string project, string[] arguments)
    {
        // The tests' own build configuration (bin/Release or bin/Debug), from the repository's project folder.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "InclusionServices.sln")))
        {
            repository = repository.Parent ?? throw new InvalidOperationException("The tests run outside the repository.");
        }
        var folder = Path.Combine(repository.FullName, project, "bin", configuration, "net10.0");
        var binary = Path.Combine(folder, project + ".dll");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is missing: build the solution first (test.sh does).");
        }
        // From its own folder, so it reads its own appsettings.json, as when it is deployed.
        return new ProcessStartInfo("dotnet", [binary, .. arguments]) { WorkingDirectory = folder };
    }
}
