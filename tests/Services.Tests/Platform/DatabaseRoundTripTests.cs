using System.Collections.Concurrent;
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

        // Two saves in one transaction, the second refused: without a savepoint nothing of the first is kept either.
        var second = Guid.NewGuid();
        database.ChangeTracker.Clear();
        await using (var transaction = await database.Database.BeginTransactionAsync())
        {
            database.Tallies.Add(new Tally { EventId = second, Times = 1 });
            await database.SaveChangesAsync();
            database.Tallies.Add(new Tally { EventId = first, Times = 2 });
            await Assert.ThrowsAsync<DbUpdateException>(() => database.SaveChangesAsync());
        }
        database.ChangeTracker.Clear();
        Assert.Equal([first], await database.Tallies.Select(t => t.EventId).ToListAsync());
        Assert.Equal(0, counter.Made);
    }

    [Fact]
    public async Task Each_database_command_of_a_call_shows_once_in_its_trace()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await RegisterSchoolAsync(service.Channel, "105901");

        await new Schools.SchoolsClient(service.Channel).GetSchoolAsync(new GetSchoolRequest { Name = "schools/105901" }, Officer);

        static bool IsTheCall(Activity a) => a.Kind == ActivityKind.Server && a.DisplayName.Contains("GetSchool", StringComparison.Ordinal);
        // The server's span may end a moment after the answer reaches the client.
        await Eventually.HoldsAsync(() => Task.FromResult(stopped.Any(IsTheCall)), "the call's span ended");
        var call = stopped.Single(IsTheCall);
        var commands = stopped.Where(a => a.TraceId == call.TraceId && IsDatabaseSpan(a)).ToList();
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
        static bool SkipsOf(string connectionString) =>
            new Npgsql.NpgsqlConnectionStringBuilder(Storage.WithoutSessionReset(connectionString)).NoResetOnClose;

        Assert.True(SkipsOf("Host=db;Database=referralsdb;Username=referrals"));
        Assert.False(SkipsOf("Host=db;Database=referralsdb;No Reset On Close=false"));
        Assert.False(SkipsOf("Host=db;Database=referralsdb;NoResetOnClose=false"));
    }
}
