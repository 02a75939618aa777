using System.Globalization;
using Npgsql;

namespace InclusionServices.Bench;

/// <summary>Where the servers are and how much to do. Defaults: the servers of a local run (./run.sh).</summary>
public sealed record BenchOptions(string Postgres, Uri RabbitMqManagement, Uri RabbitMq, int Records, int Requests, string Repository,
    int Callers, int LagRate, int LagSeconds, IReadOnlyDictionary<string, Uri> Suite)
{
    public static BenchOptions Parse(string[] args)
    {
        var given = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            given[args[i].TrimStart('-')] = args[i + 1];
        }
        var repository = FindRepository();
        string Secret(string file) => File.ReadAllText(Path.Combine(repository, ".local", "run", file)).Trim();
        var postgres = given.GetValueOrDefault("postgres")
            ?? new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 28432, Username = "postgres", Password = Secret("postgres/password") }.ConnectionString;
        var management = new Uri(given.GetValueOrDefault("rabbitmq-management")
            ?? $"http://inclusion:{Uri.EscapeDataString(Secret("rabbitmq/password"))}@127.0.0.1:28673/");
        var amqp = new Uri(given.GetValueOrDefault("rabbitmq") ?? $"amqp://{management.UserInfo}@127.0.0.1:{(given.ContainsKey("rabbitmq-management") ? 5672 : 28672)}/");
        int Number(string name, int otherwise) => int.Parse(given.GetValueOrDefault(name) ?? otherwise.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        // The services' gRPC ports as their own appsettings.json give them to a local run.
        var suite = new Dictionary<string, Uri>
        {
            ["referrals"] = new(given.GetValueOrDefault("referrals") ?? "http://127.0.0.1:5101"),
            ["meetings"] = new(given.GetValueOrDefault("meetings") ?? "http://127.0.0.1:5102"),
            ["reporting"] = new(given.GetValueOrDefault("reporting") ?? "http://127.0.0.1:5104"),
        };
        return new BenchOptions(postgres, management, amqp, Number("records", 1_000_000), Number("requests", 2000), repository,
            Number("callers", 16), Number("lag-rate", 200), Number("lag-seconds", 10), suite);
    }

    private static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "InclusionServices.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("Run the benchmark from the repository (dotnet run --project bench).");
    }
}
