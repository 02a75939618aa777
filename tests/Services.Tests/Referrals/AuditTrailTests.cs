using System.Diagnostics;
using Grpc.Core;
using Inclusion.Audit.V1;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using Microsoft.EntityFrameworkCore;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Referrals;

/// <summary>
/// Every read and change of a pupil's data is written down (who, role, school, what, when, RPC, trace), append-only,
/// and managers query it by pupil and by user. Hole 4: analysts could replay pupil-level events; now only reporting
/// jobs and managers replay, and each replay is written down.
/// </summary>
public sealed class AuditTrailTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string School = "607001";
    private readonly Inclusion.Audit.V1.AuditTrail.AuditTrailClient _audit = new(service.Channel);

    public Task InitializeAsync() => RegisterSchoolAsync(service.Channel, School);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_read_by_a_school_user_is_written_down_with_their_school_the_rpc_and_the_trace()
    {
        var pupil = await NewPupilAsync(service.Channel, School, 21);
        await new Pupils.PupilsClient(service.Channel).GetPupilAsync(new GetPupilRequest { Name = pupil.Name }, Tokens.Header(InclusionRoles.School, School));

        var trail = await _audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { Pupil = pupil.Name }, Manager);

        var read = trail.Entries.First();
        Assert.Equal(($"test-school-{School}", "school", School, "read", pupil.Name, pupil.Name), (read.User, read.Role, read.SchoolUrn, read.Action, read.Resource, read.Pupil));
        Assert.Equal("/inclusion.referrals.v1.Pupils/GetPupil", read.Rpc);
        Assert.Matches("^[0-9a-f]{32}$", read.TraceId);
        Assert.Equal(("changed", "/inclusion.referrals.v1.Pupils/CreatePupil"), (trail.Entries.Last().Action, trail.Entries.Last().Rpc));
    }

    [Fact]
    public async Task A_manager_lists_what_one_user_did_and_no_one_else_may()
    {
        var pupil = await NewPupilAsync(service.Channel, School, 22);
        await new Pupils.PupilsClient(service.Channel).GetPupilAsync(new GetPupilRequest { Name = pupil.Name }, Tokens.Header(InclusionRoles.Officer));

        var byUser = await _audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { User = "test-officer" }, Manager);
        Assert.Contains(byUser.Entries, e => e.Resource == pupil.Name && e.Action == "read");
        Assert.All(byUser.Entries, e => Assert.Equal("test-officer", e.User));

        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _audit.ListAuditEntriesAsync(
            new ListAuditEntriesRequest { User = "test-officer" }, Officer).ResponseAsync);
        await RpcAssert.InvalidFields(() => _audit.ListAuditEntriesAsync(
            new ListAuditEntriesRequest { User = "test-officer", Pupil = pupil.Name }, Manager).ResponseAsync, "pupil");
    }

    [Fact]
    public async Task Reads_at_the_same_moment_are_each_committed_before_their_answer_and_share_commits()
    {
        var pupil = await NewPupilAsync(service.Channel, School, 24);
        var pupils = new Pupils.PupilsClient(service.Channel);
        var reads = Enumerable.Range(0, 60).Select(async _ =>
        {
            await pupils.GetPupilAsync(new GetPupilRequest { Name = pupil.Name }, Officer);
            // Answered, so already committed: a query on another connection finds at least this read.
            return await service.WithDatabase(db => db.Set<ServiceDefaults.AuditEntry>().CountAsync(e => e.Resource == pupil.Name && e.Action == "read"));
        });
        var seenAfterAnswer = await Task.WhenAll(reads);
        Assert.All(seenAfterAnswer, seen => Assert.InRange(seen, 1, 60));

        // One entry per read, written in fewer transactions than reads (rows of one transaction share its xmin).
        var (entries, transactions) = await service.WithDatabase(async db =>
        {
            var rows = await db.Database.SqlQueryRaw<string>(
                "SELECT xmin::text AS \"Value\" FROM audit_entries WHERE resource = {0} AND action = 'read'", pupil.Name).ToListAsync();
            return (rows.Count, rows.Distinct().Count());
        });
        Assert.Equal(60, entries);
        Assert.True(transactions < 60, $"{transactions} commits for 60 reads");
    }

    [Fact]
    public async Task A_reads_audit_commit_shows_in_its_trace_and_a_shared_commit_links_to_each_read_and_sits_in_no_trace()
    {
        // The reads are made inside spans of this test's own, so their traces are told apart from other tests'.
        using var spans = new SpanCapture(nameof(AuditTrailTests), "Npgsql", "Microsoft.AspNetCore", Telemetry.SourcePrefix + "Audit");
        var stopped = spans.Stopped;
        var pupil = await NewPupilAsync(service.Channel, School, 25);
        var pupils = new Pupils.PupilsClient(service.Channel);

        ActivityTraceId alone, together;
        using (var test = spans.Test.StartActivity("one read")!)
        {
            alone = test.TraceId;
            await pupils.GetPupilAsync(new GetPupilRequest { Name = pupil.Name }, Officer);
        }
        using (var test = spans.Test.StartActivity("reads at once")!)
        {
            together = test.TraceId;
            await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => pupils.GetPupilAsync(new GetPupilRequest { Name = pupil.Name }, Officer).ResponseAsync));
        }

        static bool IsAuditCommit(Activity a) => a.OperationName == "audit reads";
        static int ReadsIn(Activity a) => (int)a.GetTagItem("inclusion.audit.reads")!;
        bool LinksTo(Activity a, ActivityTraceId trace) => a.Links.Any(l => l.Context.TraceId == trace);
        await Eventually.HoldsAsync(() => Task.FromResult(stopped.Any(a => IsAuditCommit(a) && (a.TraceId == alone || LinksTo(a, alone)))),
            "the lone read's audit commit ended");
        await Eventually.HoldsAsync(() => Task.FromResult(stopped.Where(a => IsAuditCommit(a) && (a.TraceId == together || LinksTo(a, together)))
            .Sum(a => a.TraceId == together ? 1 : a.Links.Count(l => l.Context.TraceId == together)) >= 60), "the 60 reads' audit commits ended");

        // One read alone: its commit continues its trace, and the insert is inside it.
        var lone = stopped.Single(a => IsAuditCommit(a) && (a.TraceId == alone || LinksTo(a, alone)));
        if (ReadsIn(lone) == 1)
        {
            Assert.Equal(alone, lone.TraceId);
            Assert.Contains(stopped, a => a.ParentSpanId == lone.SpanId && a.TraceId == alone && a.Source.Name == "Npgsql");
        }
        else
        {
            // Another test's read arrived at the same moment and shared the commit.
            Assert.Equal(default, lone.ParentSpanId);
        }
        // Reads sharing a commit: a span of its own, linked to each read's trace, inside none of them (nor in the trace
        // of whichever read first needed the writer).
        var shared = stopped.Where(a => IsAuditCommit(a) && ReadsIn(a) > 1 && LinksTo(a, together)).ToList();
        Assert.NotEmpty(shared);
        Assert.All(shared, a => Assert.Equal(default, a.ParentSpanId));
    }

    [Fact]
    public async Task Audit_entries_cannot_be_changed_or_deleted()
    {
        await NewPupilAsync(service.Channel, School, 23);

        var update = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => service.WithDatabase(db =>
            db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET \"user\" = 'someone-else'")));
        Assert.Contains("append-only", update.MessageText, StringComparison.Ordinal);
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => service.WithDatabase(db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries")));
    }

    [Fact]
    public async Task Analysts_cannot_replay_pupil_level_events_and_a_managers_replay_is_written_down()
    {
        var history = new EventHistory.EventHistoryClient(service.Channel);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, async () =>
        {
            using var call = history.StreamEvents(new StreamEventsRequest(), Tokens.Header(InclusionRoles.Analyst));
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });

        using (var call = history.StreamEvents(new StreamEventsRequest { AfterSequence = 0 }, Manager))
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        }

        var byManager = await _audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { User = "test-manager" }, Manager);
        Assert.Contains(byManager.Entries, e => e.Action == "replayed" && e.Rpc == "/inclusion.events.v1.EventHistory/StreamEvents");
    }
}
