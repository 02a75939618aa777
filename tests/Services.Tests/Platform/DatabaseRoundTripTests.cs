using System.Data.Common;
using System.Diagnostics;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Platform;

/// <summary>What a call costs in round trips to PostgreSQL, and what each one leaves in a trace.</summary>
public sealed class DatabaseRoundTripTests(ReferralsWithLogs service) : IClassFixture<ReferralsWithLogs>
{
    /// <summary>Counts the savepoints EF Core makes.</summary>
    private sealed class SavepointCounter : DbTransactionInterceptor
    {
        public int Made;

        public override ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Made);
            return ValueTask.FromResult(result);
        }
    }

    [Fact]
    public async Task A_save_inside_a_transaction_makes_no_savepoint_and_a_failed_one_leaves_nothing_of_the_transaction()
    {
        var counter = new SavepointCounter();
        var options = new DbContextOptionsBuilder<TallyDatabase>();
        options.UseServiceDatabase(TestServers.NewDatabase("savepoints")).AddInterceptors(counter);
        await using var database = new TallyDatabase(options.Options);
        await database.Database.EnsureCreatedAsync();
        var first = Guid.NewGuid();

        await using (var transaction = await database.Database.BeginTransactionAsync())
        {
            database.Tallies.Add(new Tally { EventId = first, Times = 1 });
            await database.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        Assert.Equal(0, counter.Made);

        // Two saves in one transaction, the second refused: with no savepoint to go back to, PostgreSQL has abandoned
        // the whole transaction (no later command is run in it) and nothing of the first save is kept either.
        var second = Guid.NewGuid();
        database.ChangeTracker.Clear();
        await using (var transaction = await database.Database.BeginTransactionAsync())
        {
            database.Tallies.Add(new Tally { EventId = second, Times = 1 });
            await database.SaveChangesAsync();
            database.Tallies.Add(new Tally { EventId = first, Times = 2 });
            await Assert.ThrowsAsync<DbUpdateException>(() => database.SaveChangesAsync());
            var abandoned = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => database.Tallies.CountAsync());
            Assert.Equal(Npgsql.PostgresErrorCodes.InFailedSqlTransaction, abandoned.SqlState);
        }
        database.ChangeTracker.Clear();
        Assert.Equal([first], await database.Tallies.Select(t => t.EventId).ToListAsync());
        Assert.Equal(0, counter.Made);
        await database.Database.EnsureDeletedAsync();
    }

    [Fact]
    public async Task Each_database_command_of_a_call_shows_once_in_its_trace()
    {
        // The call is made inside a span of this test's own, so its trace is told apart from other tests' running at once.
        using var spans = new SpanCapture(nameof(DatabaseRoundTripTests), "Npgsql", "Microsoft.AspNetCore",
            "OpenTelemetry.Instrumentation.EntityFrameworkCore");
        var stopped = spans.Stopped;
        await RegisterSchoolAsync(service.Channel, "105901");

        ActivityTraceId trace;
        using (var test = spans.Test.StartActivity("test")!)
        {
            trace = test.TraceId;
            await new Schools.SchoolsClient(service.Channel).GetSchoolAsync(new GetSchoolRequest { Name = "schools/105901" }, Officer);
        }

        bool IsTheCall(Activity a) => a.TraceId == trace && a.Kind == ActivityKind.Server;
        // The server's span may end a moment after the answer reaches the client.
        await Eventually.HoldsAsync(() => Task.FromResult(stopped.Any(IsTheCall)), "the call's span ended");
        Assert.EndsWith("/inclusion.referrals.v1.Schools/GetSchool", stopped.Single(IsTheCall).DisplayName, StringComparison.Ordinal);
        var commands = stopped.Where(a => a.TraceId == trace && IsDatabaseSpan(a)).ToList();
        Assert.NotEmpty(commands);
        // A second instrumentation of the same command shows as a database span inside another.
        var spanIds = commands.Select(a => a.SpanId).ToHashSet();
        Assert.DoesNotContain(commands, a => spanIds.Contains(a.ParentSpanId));

        static bool IsDatabaseSpan(Activity activity) =>
            activity.TagObjects.Any(t => t.Key.StartsWith("db.", StringComparison.Ordinal));
    }
}

public sealed class SessionResetTests
{
    [Fact]
    public void A_service_skips_the_session_reset_of_a_pooled_connection_unless_its_connection_string_says_otherwise()
    {
        // Read back from the options a service's database is opened with.
        static bool SkipsOf(string connectionString)
        {
            var options = new DbContextOptionsBuilder().UseServiceDatabase(connectionString).Options;
            var used = options.Extensions.OfType<Microsoft.EntityFrameworkCore.Infrastructure.RelationalOptionsExtension>().Single().ConnectionString;
            return new Npgsql.NpgsqlConnectionStringBuilder(used).NoResetOnClose;
        }

        Assert.True(SkipsOf("Host=db;Database=referralsdb;Username=referrals"));
        Assert.False(SkipsOf("Host=db;Database=referralsdb;No Reset On Close=false"));
        Assert.False(SkipsOf("Host=db;Database=referralsdb;NoResetOnClose=false"));
    }
}
