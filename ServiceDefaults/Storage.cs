using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InclusionServices.ServiceDefaults;

/// <summary>Each service owns one PostgreSQL database, reached through EF Core.</summary>
public static partial class Storage
{
    /// <summary>The command-line argument that runs a service as its own migration step.</summary>
    public const string MigrateArgument = "--migrate";

    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        RegisterContext<TContext>(builder, connectionName);
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    /// <summary>The EF Core options every service uses; design-time factories use them too.</summary>
    public static DbContextOptionsBuilder UseServiceDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(WithoutSessionReset(WithPreparedStatements(WithPoolLimit(WithoutJit(connectionString))))).UseSnakeCaseNamingConvention();

    /// <summary>Connections a service keeps at most, unless its connection string says otherwise.</summary>
    public const int DefaultMaxPoolSize = 32;

    /// <summary>
    /// Npgsql's default pool (100 connections) lets four services under load take more connections than the server
    /// allows (seen: Referrals alone held 84 and a benchmark was refused "too many clients"). On the suite's two cores,
    /// more than a few dozen statements at once only queue inside PostgreSQL, so a service waits for one of its own.
    /// </summary>
    public static string WithPoolLimit(string connectionString) =>
        UnlessGiven(connectionString, builder => builder.MaxPoolSize = DefaultMaxPoolSize, "MAXIMUMPOOLSIZE", "MAXPOOLSIZE");

    /// <summary>Statements each connection keeps prepared, unless its connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Without preparation PostgreSQL parses and plans every statement each time it is sent: in a log of every
    /// statement under 100 exclusions a second, parsing and binding took longer than running for most of them (the
    /// pupil's lookup: 0.13 ms parse, 0.27 ms bind, 0.07 ms run). Npgsql prepares a statement on a connection once it
    /// has been sent there a few times, and the server keeps its plan.
    /// </summary>
    public static string WithPreparedStatements(string connectionString) =>
        UnlessGiven(connectionString, builder => builder.MaxAutoPrepare = DefaultMaxAutoPrepare, "MAXAUTOPREPARE");

    /// <summary>
    /// Npgsql resets a pooled connection's session (settings, cursors, session locks, temporary tables) before its next
    /// use: seven statements PostgreSQL runs each time a request takes a connection, often two or three times a request.
    /// The services leave nothing in a session to reset: no SET, no cursors, no temporary tables, and only transaction
    /// advisory locks, which end with their transaction. Unless the connection string says otherwise, they skip it.
    /// </summary>
    public static string WithoutSessionReset(string connectionString) =>
        UnlessGiven(connectionString, builder => builder.NoResetOnClose = true, "NORESETONCLOSE");

    /// <summary>
    /// The connection string with a service default applied, unless it sets one of <paramref name="keys"/> itself (any
    /// spacing or case): Npgsql's builder cannot tell a value given from its default, so the keys as written are asked.
    /// </summary>
    private static string UnlessGiven(string connectionString, Action<Npgsql.NpgsqlConnectionStringBuilder> applyDefault, params string[] keys)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).Any(keys.Contains))
        {
            return connectionString;
        }
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        applyDefault(builder);
        return builder.ConnectionString;
    }

    /// <summary>
    /// PostgreSQL's JIT compiles any query whose cost estimate passes jit_above_cost, which a report over a large
    /// table (or any query on a table not yet analysed) does: about 100 ms of compiling for queries that run in one.
    /// Nothing the services ask runs long enough to gain from it, so their sessions turn it off.
    /// </summary>
    public static string WithoutJit(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c jit=off" : builder.Options + " -c jit=off";
        return builder.ConnectionString;
    }

    public static bool IsMigrationStep(string[] args) => args.Contains(MigrateArgument);

    /// <summary>
    /// The migration step: applies the service's pending migrations, then exits. The app host runs it to
    /// completion before the service starts, so no request ever races a schema change. It needs only the
    /// database: no broker, no token settings.
    /// </summary>
    public static async Task RunMigrationStepAsync<TContext>(string[] args, string connectionName)
        where TContext : DbContext
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddInclusionTelemetry();
        RegisterContext<TContext>(builder, connectionName);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Storage));
        // A fresh database has no history table yet: made first, EF's look at it is not logged as a failed command
        // (an error badge on every first start).
        await database.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync();
        var pending = (await database.GetPendingMigrationsAsync()).ToList();
        LogMigrating(logger, pending.Count, typeof(TContext).Name);
        await database.MigrateAsync();
    }

    private static void RegisterContext<TContext>(IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set: the service cannot reach its database.");
        }
        builder.Services.AddDbContextPool<TContext>(options => options.UseServiceDatabase(connectionString));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} pending migration(s) to {Context}")]
    private static partial void LogMigrating(ILogger logger, int count, string context);
}

public static class SerialisedWork
{
    /// <summary>
    /// Makes the rest of the current transaction the only one working on <paramref name="key"/> within
    /// <paramref name="scope"/> (a PostgreSQL advisory transaction lock, released at commit or rollback): for rules
    /// that read several rows and then decide, such as a pupil's yearly suspension cap.
    /// </summary>
    public static async Task SerialiseOnAsync(this Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database,
        string scope, string key, CancellationToken cancellationToken)
    {
        if (database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Serialised work needs a transaction: the lock is held until it ends.");
        }
        await database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({scope}), hashtext({key}))", cancellationToken);
    }
}

/// <summary>Values read and written whole as JSON, never queried inside (contacts, attendees, a pupil's attributes).</summary>
public static class JsonColumn
{
    public static Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<T> AsJson<T>(
        this Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<T> property) =>
        property.HasColumnType("jsonb").HasConversion(
            value => System.Text.Json.JsonSerializer.Serialize(value, (System.Text.Json.JsonSerializerOptions?)null),
            json => System.Text.Json.JsonSerializer.Deserialize<T>(json, (System.Text.Json.JsonSerializerOptions?)null)!,
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<T>(
                (a, b) => Serialize(a) == Serialize(b),
                value => Serialize(value).GetHashCode(StringComparison.Ordinal),
                value => System.Text.Json.JsonSerializer.Deserialize<T>(Serialize(value), (System.Text.Json.JsonSerializerOptions?)null)!));

    private static string Serialize<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, (System.Text.Json.JsonSerializerOptions?)null);
}
