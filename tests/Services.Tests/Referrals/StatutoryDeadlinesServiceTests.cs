extern alias ReferralsService;

using System.Text;
using Google.Type;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.Tests.Events;
using Microsoft.EntityFrameworkCore;
using static InclusionServices.Tests.Referrals.ReferralsData;
using DeadlineKind = Inclusion.Referrals.V1.DeadlineKind;
using DutyHolder = Inclusion.Referrals.V1.DutyHolder;
using ExclusionKind = Inclusion.Referrals.V1.ExclusionKind;

namespace InclusionServices.Tests.Referrals;

/// <summary>
/// RecordExclusion over gRPC on the shipped calendar (2024/25 a neighbouring council's stand-in, 2025/26 the council's
/// published dates), the rules as the regulations state them, and deadlines that stay readable when a record cannot be
/// counted. Each hand count is written beside its case.
/// </summary>
public sealed class StatutoryDeadlinesServiceTests(ReferralsUnderTest service, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string School = "604001";
    private readonly Exclusions.ExclusionsClient _exclusions = new(service.Channel);

    public Task InitializeAsync() => RegisterSchoolAsync(service.Channel, School);

    public Task DisposeAsync() => Task.CompletedTask;

    private static int _serial;
    private Task<Pupil> NewPupilAsync() => ReferralsData.NewPupilAsync(service.Channel, School, Interlocked.Increment(ref _serial));

    private Task<Exclusion> Record(Pupil pupil, ExclusionKind kind, Date start, int sessions, Action<Exclusion>? more = null)
    {
        var exclusion = new Exclusion { Pupil = pupil.Name, Kind = kind, StartDate = start, Sessions = sessions, ReasonCodes = { "DB" } };
        more?.Invoke(exclusion);
        return _exclusions.RecordExclusionAsync(new RecordExclusionRequest { Exclusion = exclusion }, Officer).ResponseAsync;
    }

    private static Date? Due(Exclusion exclusion, DeadlineKind kind) => exclusion.Deadlines.SingleOrDefault(d => d.Kind == kind)?.Due;

    private static Date D(string iso) => On(int.Parse(iso[..4]), int.Parse(iso[5..7]), int.Parse(iso[8..]));

    [Theory]
    // Tue 2 Sep 2025, the council's second day of term: 2-5 Sep (4), Mon 8 (5), Tue 9 (6); board 3-5 (3), 8-12 (8), 15-19 (13), 22, 23 (15).
    [InlineData(ExclusionKind.PermanentExclusion, "2025-09-02", 2, "2025-09-09", "2025-09-23")]
    // Thu 23 Oct 2025, half term 27-31 Oct: 23, 24 (2), 3-5 Nov (5), Thu 6 Nov (6); board 24 Oct (1), 3-7 Nov (6), 10-14 (11), 17-20 (15).
    [InlineData(ExclusionKind.PermanentExclusion, "2025-10-23", 2, "2025-11-06", "2025-11-20")]
    // Tue 24 Mar 2026, Easter holidays 30 Mar-10 Apr: 24-27 Mar (4), Mon 13 Apr (5), Tue 14 (6); board 25-27 Mar (3), 13-17 Apr (8), 20-24 (13), 27, 28 (15).
    [InlineData(ExclusionKind.PermanentExclusion, "2026-03-24", 2, "2026-04-14", "2026-04-28")]
    // Thu 13 Feb 2025, half term 17-21 Feb: 13, 14 (2), 24-26 (5), Thu 27 Feb (6); board 14 Feb (1), 24-28 (6), 3-7 Mar (11), 10-13 (15).
    [InlineData(ExclusionKind.PermanentExclusion, "2025-02-13", 2, "2025-02-27", "2025-03-13")]
    // A six-day suspension from Mon 7 Apr 2025 across Easter (14-25 Apr): 7-11 Apr (5), Mon 28 Apr (6): the school's duty; no board.
    [InlineData(ExclusionKind.Suspension, "2025-04-07", 12, "2025-04-28", null)]
    // A five-day suspension from Mon 3 Nov 2025 owes neither.
    [InlineData(ExclusionKind.Suspension, "2025-11-03", 10, null, null)]
    public async Task Recording_an_exclusion_gives_its_deadlines_on_the_published_calendar(
        ExclusionKind kind, string start, int sessions, string? sixthDay, string? boardBy)
    {
        var exclusion = await Record(await NewPupilAsync(), kind, D(start), sessions);

        Assert.Equal(sixthDay is null ? null : D(sixthDay), Due(exclusion, DeadlineKind.SixthDayProvision));
        Assert.Equal(boardBy is null ? null : D(boardBy), Due(exclusion, DeadlineKind.GoverningBoardMeeting));
        if (sixthDay is not null)
        {
            var holder = kind == ExclusionKind.PermanentExclusion ? DutyHolder.LocalAuthority : DutyHolder.School;
            Assert.Equal(holder, exclusion.Deadlines.Single(d => d.Kind == DeadlineKind.SixthDayProvision).Holder);
            // The head teacher tells the parents by the end of the first day, whoever arranges the provision.
            var told = exclusion.Deadlines.Single(d => d.Kind == DeadlineKind.ParentsToldOfSixthDayProvision);
            Assert.Equal((D(start), DutyHolder.School), (told.Due, told.Holder));
        }
    }

    [Fact]
    public async Task The_boards_days_count_from_the_day_it_was_told_which_is_recorded()
    {
        var pupil = await NewPupilAsync();
        // Permanent exclusion Tue 2 Sep 2025; the board told Thu 4 Sep: 5 (1), 8-12 (6), 15-19 (11), 22-25 (15) = Thu 25 Sep.
        var told = await Record(pupil, ExclusionKind.PermanentExclusion, D("2025-09-02"), 2, e => e.BoardNotifiedOn = D("2025-09-04"));
        Assert.Equal(D("2025-09-25"), Due(told, DeadlineKind.GoverningBoardMeeting));
        Assert.Equal(D("2025-09-04"), told.BoardNotifiedOn);

        // Not given: the first day.
        var byDefault = await Record(await NewPupilAsync(), ExclusionKind.PermanentExclusion, D("2025-09-02"), 2);
        Assert.Equal(D("2025-09-02"), byDefault.BoardNotifiedOn);

        await RpcAssert.InvalidFields(() => Record(pupil, ExclusionKind.Suspension, D("2025-11-03"), 2,
            e => e.BoardNotifiedOn = D("2025-09-01")), "exclusion.board_notified_on"); // over 30 days before
        await RpcAssert.InvalidFields(() => Record(pupil, ExclusionKind.Suspension, D("2025-11-03"), 2,
            e => e.BoardNotifiedOn = On(Today.Year + 1, 1, 5)), "exclusion.board_notified_on"); // in the future
    }

    [Fact]
    public async Task A_missed_exam_sets_a_board_meeting_for_a_short_suspension_with_the_exam_as_the_preferred_deadline()
    {
        // One day, Mon 18 May 2026; an exam on Wed 20 May. 19-22 May (4), half term 25-29 May, 1-5 Jun (9), 8-12 (14), Mon 15 Jun (15).
        var exclusion = await Record(await NewPupilAsync(), ExclusionKind.Suspension, D("2026-05-18"), 2, e => e.PublicExamMissed = D("2026-05-20"));

        var board = exclusion.Deadlines.Single(d => d.Kind == DeadlineKind.GoverningBoardMeeting);
        Assert.Equal((D("2026-06-15"), D("2026-05-20")), (board.Due, board.PreferredBefore));
    }

    [Fact]
    public async Task Back_to_back_suspensions_over_five_days_put_the_sixth_day_on_the_school()
    {
        var pupil = await NewPupilAsync();
        // Three days Mon 10-Wed 12 Nov 2025, then three from Thu 13 Nov: 10-14 (5), Mon 17 Nov (6).
        var first = await Record(pupil, ExclusionKind.Suspension, D("2025-11-10"), 6);
        var second = await Record(pupil, ExclusionKind.Suspension, D("2025-11-13"), 6);

        Assert.Null(Due(first, DeadlineKind.SixthDayProvision));
        Assert.Equal(D("2025-11-17"), Due(second, DeadlineKind.SixthDayProvision));
        Assert.Equal(DutyHolder.School, second.Deadlines.Single(d => d.Kind == DeadlineKind.SixthDayProvision).Holder);
    }

    [Fact]
    public async Task A_deadline_running_past_the_last_loaded_calendar_says_so_and_the_record_still_reads()
    {
        // Wed 14 Jul 2027, a week before 2026/27 ends: day 6 is Wed 21 Jul (14-16, 19, 20, 21); the board's 15 days run into 2027/28.
        var exclusion = await Record(await NewPupilAsync(), ExclusionKind.PermanentExclusion, D("2027-07-14"), 2);

        Assert.Equal(D("2027-07-21"), Due(exclusion, DeadlineKind.SixthDayProvision));
        var board = exclusion.Deadlines.Single(d => d.Kind == DeadlineKind.GoverningBoardMeeting);
        Assert.Null(board.Due);
        Assert.Equal("calendar for 2027/28 not yet loaded", board.NotCountedReason);

        var read = await _exclusions.GetExclusionAsync(new GetExclusionRequest { Name = exclusion.Name }, Officer);
        Assert.Equal(exclusion.Deadlines, read.Deadlines);
    }

    [Fact]
    public async Task An_inset_day_on_a_recorded_exclusions_first_day_is_refused_naming_it()
    {
        const string school = "604002";
        await RegisterSchoolAsync(service.Channel, school);
        var pupil = await ReferralsData.NewPupilAsync(service.Channel, school, 900);
        var exclusion = await Record(pupil, ExclusionKind.Suspension, D("2025-11-05"), 2);
        var calendars = new SchoolCalendars.SchoolCalendarsClient(service.Channel);

        var refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => calendars.AddInsetDayAsync(
            new AddInsetDayRequest { SchoolUrn = school, Date = D("2025-11-05") }, Manager).ResponseAsync);
        Assert.Contains(exclusion.Name, refused.Status.Detail, StringComparison.Ordinal);

        // Term dates that would put that day in a holiday are refused the same way, for the school or the whole authority.
        var terms = new SetTermDatesRequest { SchoolYearStart = 2025, SchoolUrn = school };
        terms.Terms.Add(new Term { Name = "autumn", Start = D("2025-09-01"), End = D("2025-12-19"), HalfTermStart = D("2025-11-03"), HalfTermEnd = D("2025-11-07") });
        terms.Terms.Add(new Term { Name = "spring", Start = D("2026-01-05"), End = D("2026-03-27"), HalfTermStart = D("2026-02-16"), HalfTermEnd = D("2026-02-20") });
        terms.Terms.Add(new Term { Name = "summer", Start = D("2026-04-13"), End = D("2026-07-20"), HalfTermStart = D("2026-05-25"), HalfTermEnd = D("2026-05-29") });
        refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => calendars.SetTermDatesAsync(terms, Manager).ResponseAsync);
        Assert.Contains(exclusion.Name, refused.Status.Detail, StringComparison.Ordinal);
        terms.SchoolUrn = "";
        refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => calendars.SetTermDatesAsync(terms, Manager).ResponseAsync);
        Assert.Contains(exclusion.Name, refused.Status.Detail, StringComparison.Ordinal);

        // Another day is still fine, and the exclusion's deadlines are as they were.
        var changed = await calendars.AddInsetDayAsync(new AddInsetDayRequest { SchoolUrn = school, Date = D("2025-11-06") }, Manager);
        Assert.Contains(D("2025-11-06"), changed.InsetDays);
    }

    [Fact]
    public async Task One_record_that_cannot_be_counted_neither_fails_the_list_nor_stops_the_watcher()
    {
        const string school = "604003";
        await RegisterSchoolAsync(service.Channel, school);
        await using var plain = await PlainRabbitMq.ConnectAsync(service.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.DeadlineMissed");
        var pupil = await ReferralsData.NewPupilAsync(service.Channel, school, 901);
        // Recorded to start on the next school day, so it owes nothing yet whenever the watcher looks (under load the
        // watcher may run before the change below), then given a first day that is not a school day (as if the calendar
        // data had been corrected under it): Saturday 4 October 2025, whose deadlines would long have been missed.
        var next = await NextSchoolDayAsync(service.Channel);
        var broken = await Record(pupil, ExclusionKind.PermanentExclusion, On(next.Year, next.Month, next.Day), 2);
        var brokenId = Guid.Parse(broken.Name["exclusions/".Length..]);
        await service.WithDatabase(db => db.Database.ExecuteSqlAsync($"UPDATE exclusions SET start_date = '2025-10-04' WHERE id = {brokenId}"));
        var sound = await Record(await ReferralsData.NewPupilAsync(service.Channel, school, 902), ExclusionKind.PermanentExclusion, D("2025-10-01"), 2);

        var listed = await _exclusions.ListExclusionsAsync(new ListExclusionsRequest { SchoolUrn = school }, Officer);
        var brokenRead = listed.Exclusions.Single(e => e.Name == broken.Name);
        Assert.Empty(brokenRead.Deadlines);
        Assert.Contains("not one", brokenRead.DeadlinesUnavailable, StringComparison.Ordinal);
        Assert.NotEmpty(listed.Exclusions.Single(e => e.Name == sound.Name).Deadlines);

        var missed = new List<DeadlineMissed>();
        await Eventually.HoldsAsync(async () =>
        {
            missed.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<DeadlineMissed>(Encoding.UTF8.GetString(m.Body.Span))));
            return missed.Any(m => m.Exclusion == sound.Name);
        }, "the sound record's missed board meeting was published");
        Assert.DoesNotContain(missed, m => m.Exclusion == broken.Name);
    }

    [Fact]
    public async Task The_watchers_queries_read_only_open_duties_through_their_partial_indexes()
    {
        // 20,000 exclusions that can owe nothing more (suspensions under the board's thresholds, decided permanent
        // exclusions) and one that can: the plans must reach it through the partial indexes, not by reading them all.
        const string school = "604004";
        await RegisterSchoolAsync(service.Channel, school);
        var pupil = await ReferralsData.NewPupilAsync(service.Channel, school, 903);
        var pupilId = Guid.Parse(pupil.Name["pupils/".Length..]);
        await Record(pupil, ExclusionKind.PermanentExclusion, D("2025-10-01"), 2);
        await service.WithDatabase(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO exclusions (id, pupil_id, school_urn, kind, start_date, sessions, reason_codes, parents_made_representations,
                board_decision, sessions_suspended_this_term_before, sessions_suspended_this_year_before, recorded_at,
                board_notified_on, owes_board_meeting, run_sessions_before)
            SELECT gen_random_uuid(), {pupilId}, {school}, CASE WHEN n % 2 = 0 THEN 'Suspension' ELSE 'PermanentExclusion' END,
                DATE '2019-09-02' + (n % 2000), 2, ARRAY['DB'], false, CASE WHEN n % 2 = 0 THEN NULL ELSE 'Uphold' END, 0, 0, now(),
                DATE '2019-09-02' + (n % 2000), n % 2 = 1, 0
            FROM generate_series(1, 20000) AS n
            """));
        await service.WithDatabase(db => db.Database.ExecuteSqlRawAsync("ANALYZE exclusions"));

        var plans = await service.WithDatabase(async db =>
        {
            var today = DateOnly.FromDateTime(Today);
            var found = new List<string>();
            foreach (var sql in new[]
            {
                ReferralsService::InclusionServices.Referrals.Exclusions.DeadlineWatcher.AwaitingBoard(db, today).ToQueryString(),
                ReferralsService::InclusionServices.Referrals.Exclusions.DeadlineWatcher.AwaitingPanel(db).ToQueryString(),
            })
            {
                found.Add(await ExplainAsync(db.Database.GetDbConnection(), sql));
            }
            return found;
        });

        output.WriteLine(string.Join("\n", plans));
        Assert.Contains("ix_exclusions_awaiting_board", plans[0], StringComparison.Ordinal);
        Assert.Contains("ix_exclusions_awaiting_panel", plans[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on exclusions", plans[0] + plans[1], StringComparison.Ordinal);
    }

    private static async Task<string> ExplainAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await connection.OpenAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN " + WithParametersInline(sql);
            var plan = new StringBuilder();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetString(0));
            }
            return plan.ToString();
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    /// <summary>EF's ToQueryString declares parameters in comments ("-- @p='v'"); EXPLAIN needs them written in place.</summary>
    private static string WithParametersInline(string sql)
    {
        var lines = sql.Split('\n');
        var parameters = lines.Where(l => l.StartsWith("-- @", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "^-- (@\\w+)='([^']*)'"))
            .Where(m => m.Success)
            .Select(m => (Name: m.Groups[1].Value, Value: m.Groups[2].Value))
            .OrderByDescending(p => p.Name.Length);
        var text = string.Join('\n', lines.Where(l => !l.StartsWith("-- ", StringComparison.Ordinal)));
        foreach (var (name, value) in parameters)
        {
            text = text.Replace(name, $"'{value}'", StringComparison.Ordinal);
        }
        return text;
    }
}
