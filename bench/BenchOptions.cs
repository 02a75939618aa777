using Npgsql;

namespace InclusionServices.Bench;

/// <summary>Where the servers are and how much to do. Defaults: the servers of a local run (./run.sh).</summary>
public sealed record BenchOptions(string Postgres, Uri RabbitMqManagement, Uri RabbitMq, int Records, int Requests, string Repository)
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
            ?? new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 55432, Username = "postgres", Password = Secret("postgres/password") }.ConnectionString;
        var management = new Uri(given.GetValueOrDefault("rabbitmq-management")
            ?? $"http://inclusion:{Uri.EscapeDataString(Secret("rabbitmq/password"))}@127.0.0.1:55673/");
        var amqp = new Uri(given.GetValueOrDefault("rabbitmq") ?? $"amqp://{management.UserInfo}@127.0.0.1:{(given.ContainsKey("rabbitmq-management") ? 5672 : 55672)}/");
        return new BenchOptions(postgres, management, amqp,
            int.Parse(given.GetValueOrDefault("records") ?? "1000000", System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(given.GetValueOrDefault("requests") ?? "2000", System.Globalization.CultureInfo.InvariantCulture),
            repository);
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
