using Npgsql;

namespace InclusionServices.Tests;

/// <summary>
/// The throwaway PostgreSQL and RabbitMQ that test.sh starts. Tests that need them fail with a clear message
/// when run some other way, rather than passing without touching real storage.
/// </summary>
public static class TestServers
{
    public static string Postgres => Required("INCLUSION_TEST_POSTGRES");
    public static string RabbitMq => Required("INCLUSION_TEST_RABBITMQ");

    /// <summary>A connection string to a new, empty database of its own, so test classes never share state.</summary>
    public static string NewDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..40];
        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: run the tests with ./test.sh, which starts PostgreSQL and RabbitMQ for them.");
}
