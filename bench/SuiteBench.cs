extern alias ReferralsService;

using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Google.Type;
using Grpc.Core;
using Grpc.Net.Client;
using Inclusion.Meetings.V1;
using Inclusion.Referrals.V1;
using Inclusion.Reporting.V1;
using Npgsql;
using PupilIdentifiers = ReferralsService::InclusionServices.Referrals.Pupils.PupilIdentifiers;

namespace InclusionServices.Bench;

/// <summary>
/// The suite as ./run.sh starts it, asked over its public gRPC APIs by a closed loop of callers, beside the machine's
/// ceilings measured in the same run (see <see cref="Ceilings"/>); then the event lag from Referrals to Reporting
/// under an open-loop stream of writes; then each service's resident memory.
/// </summary>
public static class SuiteBench
{
    private static readonly string[] Services = ["referrals", "meetings", "placements", "reporting"];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var tokens = BenchTokens.LocalRun(options.Repository);
        using var referralsChannel = GrpcChannel.ForAddress(options.Suite["referrals"]);
        using var meetingsChannel = GrpcChannel.ForAddress(options.Suite["meetings"]);
        using var reportingChannel = GrpcChannel.ForAddress(options.Suite["reporting"]);
        var (officer, analyst) = (tokens.Header("officer"), tokens.Header("analyst"));
        var schools = new Schools.SchoolsClient(referralsChannel);
        var pupils = new Pupils.PupilsClient(referralsChannel);
        var referrals = new Referrals.ReferralsClient(referralsChannel);
        var exclusions = new Exclusions.ExclusionsClient(referralsChannel);
        var meetings = new Meetings.MeetingsClient(meetingsChannel);
        var reports = new Reports.ReportsClient(reportingChannel);

        // A school of this run's own, so runs never meet each other's records.
        var run = Random.Shared.Next(10_000);
        var urn = $"97{run:0000}";
        var school = tokens.Header("school", urn);
        await schools.CreateSchoolAsync(new CreateSchoolRequest
        {
            School = new Inclusion.Referrals.V1.School { Urn = urn, DisplayName = $"Benchmark School {run:0000}", Phase = Phase.Secondary, Postcode = "WV99 1ZZ" },
            RequestId = Guid.NewGuid().ToString(),
        }, tokens.Header("manager"));
        var today = DateOnly.FromDateTime(System.DateTime.Now);
        var schoolYear = today.Month >= 8 ? today.Year : today.Year - 1;
        var day = await LastSchoolDayAsync(new SchoolCalendars.SchoolCalendarsClient(referralsChannel), officer, schoolYear, today);

        var n = options.Requests;
        var lagWrites = options.LagRate * options.LagSeconds;
        var upns = Enumerable.Range(0, 2 * n + lagWrites).Select(i => PupilIdentifiers.WithCheckLetter($"336{run:0000}{i:00000}")).ToArray();
        var pupilNames = new string[upns.Length];
        var referralNames = new string[n];
        var scheduled = new Meeting[n];
        var results = new List<(Latency Figure, bool Write)>();
        async Task Measure(string name, bool write, int count, Func<int, Task> call) =>
            results.Add((await Latency.MeasureAsync(name, options.Callers, count, call), write));

        Console.WriteLine($"Warming up the suite at school {urn} (a day of this run: {day:yyyy-MM-dd})...");
        await Latency.MeasureAsync("warm-up", 4, 1000, _ => schools.GetSchoolAsync(new GetSchoolRequest { Name = $"schools/{urn}" }, officer).ResponseAsync);

        await Measure("create a pupil", true, upns.Length, async i => pupilNames[i] = (await pupils.CreatePupilAsync(new CreatePupilRequest
        {
            RequestId = Guid.NewGuid().ToString(), Pupil = NewPupil(upns[i], urn, schoolYear, i),
        }, officer)).Name);
        await Measure("get a school", false, n, _ => schools.GetSchoolAsync(new GetSchoolRequest { Name = $"schools/{urn}" }, officer).ResponseAsync);
        await Measure("get a pupil (audited read)", false, n, i => pupils.GetPupilAsync(new GetPupilRequest { Name = pupilNames[i] }, officer).ResponseAsync);
        await Measure("create a referral (draft)", true, n, async i => referralNames[i] = (await referrals.CreateReferralAsync(new CreateReferralRequest
        {
            Pupil = pupilNames[i], Form = Form(today), RequestId = Guid.NewGuid().ToString(),
        }, school)).Name);
        await Measure("submit a referral", true, n, i => referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = referralNames[i] }, school).ResponseAsync);
        await Measure("get a referral (audited read)", false, n, i => referrals.GetReferralAsync(new GetReferralRequest { Name = referralNames[i] }, officer).ResponseAsync);
        await Measure("list a school's referrals (20 a page)", false, n, _ => referrals.ListReferralsAsync(new ListReferralsRequest { SchoolUrn = urn, PageSize = 20 }, officer).ResponseAsync);
        await Measure("record an exclusion", true, n, i => exclusions.RecordExclusionAsync(Suspension(pupilNames[n + i], day), officer).ResponseAsync);
        await Measure("schedule a meeting", true, n, async i => scheduled[i] = await meetings.ScheduleMeetingAsync(new ScheduleMeetingRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Meeting = new Meeting
            {
                Kind = MeetingKind.ExclusionPreventionMeeting, Pupil = pupilNames[i], DurationMinutes = 60, Location = "At school", LeadOfficer = "bench-officer",
                StartTime = Timestamp.FromDateTime(day.ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc)),
                Attendees = { new Attendee { FullName = "A Parent", Kind = AttendeeKind.ParentOrCarer } },
            },
        }, officer));
        await Measure("record a meeting outcome", true, n, i => meetings.RecordMeetingHeldAsync(new RecordMeetingHeldRequest
        {
            Name = scheduled[i].Name, Etag = scheduled[i].Etag, Outcome = MeetingOutcome.StaysInSchoolWithSupportPlan,
            Attendees = { scheduled[i].Attendees.Select(a => new Attendee(a) { Attended = true }) },
        }, officer).ResponseAsync);
        await Measure("prevention summary (all schools)", false, n, _ => reports.GetPreventionSummaryAsync(new ReportRequest { SchoolYearStart = schoolYear }, analyst).ResponseAsync);

        Console.WriteLine("Measuring the ceilings: pgbench and the bare service...");
        var ceiling = await Ceilings.MeasureAsync(options);

        Console.WriteLine($"Measuring the event lag: {options.LagRate} exclusions a second for {options.LagSeconds} s...");
        var lag = await EventLagAsync(options, lagWrites,
            i => exclusions.RecordExclusionAsync(Suspension(pupilNames[2 * n + i], day), officer).ResponseAsync);

        Print(options, results, ceiling, lag);
        return 0;
    }

    private static void Print(BenchOptions options, List<(Latency Figure, bool Write)> results, Ceiling ceiling, EventLag lag)
    {
        Console.WriteLine();
        Console.WriteLine($"Closed loop, {options.Callers} callers over one HTTP/2 connection each (.NET client in bench/); reads are compared with "
            + "the bare primary-key select, writes with the bare single-row insert.");
        Console.WriteLine();
        Console.WriteLine("| measurement | requests | per second | p50 ms | p99 ms | × bare service | × pgbench |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (figure, write) in results)
        {
            var (bare, pgbench) = write ? (ceiling.BareInserts, ceiling.PgbenchInserts) : (ceiling.BareReads, ceiling.PgbenchSelects);
            Console.WriteLine(Row(figure, $"{figure.PerSecond / bare:0.00}", $"{figure.PerSecond / pgbench:0.000}"));
        }
        Console.WriteLine(Row(ceiling.BareRead, "1", $"{ceiling.BareReads / ceiling.PgbenchSelects:0.000}"));
        Console.WriteLine(Row(ceiling.BareInsert, "1", $"{ceiling.BareInserts / ceiling.PgbenchInserts:0.000}"));
        Console.WriteLine($"| pgbench: primary-key select ({options.Callers} clients, 10 s) | | {ceiling.PgbenchSelects:0} | | | | 1 |");
        Console.WriteLine($"| pgbench: single-row insert ({options.Callers} clients, 10 s) | | {ceiling.PgbenchInserts:0} | | | | 1 |");
        Console.WriteLine();
        Console.WriteLine($"Event lag, an exclusion recorded in Referrals to its event applied in Reporting, {lag.Sent} sent at {options.LagRate}/s "
            + $"(open loop; {lag.Failed} refused): p50 {lag.P50Ms:0} ms, p99 {lag.P99Ms:0} ms, max {lag.MaxMs:0} ms over {lag.Applied} applied.");
        Console.WriteLine();
        Console.WriteLine("Resident memory now (after the load): " + string.Join(", ", Services.Select(s => $"{s} {ResidentMegabytes(s)}")));
    }

    private static string Row(Latency figure, string bare, string pgbench) =>
        $"| {figure.Name} | {figure.Requests} | {figure.PerSecond:0} | {figure.P50Ms:0.00} | {figure.P99Ms:0.00} | {bare} | {pgbench} |";

    private sealed record EventLag(int Sent, int Failed, int Applied, double P50Ms, double P99Ms, double MaxMs);

    /// <summary>
    /// Writes at a steady rate whatever the answers' speed (an open loop, so a slow service cannot slow the load), then
    /// reads when Reporting applied each resulting event (applied_events.applied_at, the database's clock) against when
    /// Referrals made it (occurred_at, in the writing transaction): one clock, one machine.
    /// </summary>
    private static async Task<EventLag> EventLagAsync(BenchOptions options, int writes, Func<int, Task> write)
    {
        var started = System.DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var failed = 0;
        var calls = new List<Task>(writes);
        for (var i = 0; i < writes; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / options.LagRate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            var index = i;
            calls.Add(Task.Run(async () =>
            {
                try
                {
                    await write(index);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }));
        }
        await Task.WhenAll(calls);
        var expected = writes - failed;
        var reporting = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = "reportingdb" }.ConnectionString;
        await using var database = new NpgsqlConnection(reporting);
        await database.OpenAsync();
        double[] lags = [];
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(250))
        {
            await using var query = new NpgsqlCommand("""
                SELECT extract(epoch FROM applied_at - occurred_at) * 1000 FROM applied_events
                WHERE producer = 'referrals' AND event_type LIKE '%ExclusionChanged' AND occurred_at >= $1
                """, database);
            query.Parameters.AddWithValue(started);
            var found = new List<double>();
            await using (var reader = await query.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    found.Add((double)reader.GetDecimal(0));
                }
            }
            lags = [.. found.Order()];
            if (lags.Length >= expected)
            {
                break;
            }
        }
        return lags.Length == 0
            ? new EventLag(writes, failed, 0, double.NaN, double.NaN, double.NaN)
            : new EventLag(writes, failed, lags.Length, Latency.Percentile(lags, 0.5), Latency.Percentile(lags, 0.99), lags[^1]);
    }

    /// <summary>Resident memory of a service's process (its own binary, found by name), in MB.</summary>
    private static string ResidentMegabytes(string service)
    {
        var binary = char.ToUpperInvariant(service[0]) + service[1..] + ".Service";
        foreach (var folder in Directory.EnumerateDirectories("/proc").Where(f => int.TryParse(Path.GetFileName(f), out _)))
        {
            try
            {
                var command = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
                if (command.Length > 0 && (Path.GetFileName(command[0]) == binary || command.Any(a => a.EndsWith(binary + ".dll", StringComparison.Ordinal))))
                {
                    var rss = File.ReadLines(Path.Combine(folder, "status")).First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                    return $"{long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024} MB";
                }
            }
            catch (IOException)
            {
                // The process ended while it was being read.
            }
        }
        return "(not running)";
    }

    private static async Task<DateOnly> LastSchoolDayAsync(SchoolCalendars.SchoolCalendarsClient calendars, Metadata officer, int year, DateOnly today)
    {
        var calendar = await calendars.GetSchoolYearCalendarAsync(new GetSchoolYearCalendarRequest { SchoolYearStart = year }, officer);
        var closed = calendar.BankHolidays.Select(h => AsDay(h.Date)).Concat(calendar.InsetDays.Select(AsDay)).ToHashSet();
        for (var day = today.AddDays(-1); ; day = day.AddDays(-1))
        {
            var term = calendar.Terms.FirstOrDefault(t => AsDay(t.Start) <= day && day <= AsDay(t.End));
            var halfTerm = term?.HalfTermStart is not null && day >= AsDay(term.HalfTermStart) && day <= AsDay(term.HalfTermEnd);
            if (term is not null && !halfTerm && day.DayOfWeek is not (System.DayOfWeek.Saturday or System.DayOfWeek.Sunday) && !closed.Contains(day))
            {
                return day;
            }
            if (day < today.AddDays(-60))
            {
                throw new InvalidOperationException("No school day in the last 60 days to record exclusions and meetings on.");
            }
        }
    }

    private static RecordExclusionRequest Suspension(string pupil, DateOnly day) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Exclusion = new Inclusion.Referrals.V1.Exclusion { Pupil = pupil, Kind = Inclusion.Referrals.V1.ExclusionKind.Suspension, StartDate = AsDate(day), Sessions = 2, ReasonCodes = { "PP" } },
    };

    private static Pupil NewPupil(string upn, string urn, int schoolYear, int serial) => new()
    {
        Upn = upn, GivenName = "Bench", FamilyName = $"Pupil{serial}", DateOfBirth = AsDate(new DateOnly(schoolYear - 14, 11, 1)),
        Sex = Sex.Female, YearGroup = 9, SchoolUrn = urn, SenStatus = SenStatus.NoSen, EthnicityCode = "WBRI",
        Address = "1 Bench Street, Wolverhampton", Postcode = "WV99 1ZZ",
        Carers = { new Carer { FullName = "A Parent", Relationship = "parent", Telephones = { "07700 900123" }, Email = "carer@example.org" } },
    };

    private static ReferralForm Form(DateOnly today) => new()
    {
        DateMade = AsDate(today),
        Referrer = new Referrer { FullName = "A Form Tutor", Email = "tutor@school.example.org", Telephone = "01632 960000", RelationshipToChild = "form tutor" },
        AttainmentAndProgress = "Working towards the expected standard.",
        LevelsOfSupport = "Mentoring twice a week.",
        PreviousExclusions = "None.",
        MainReason = "Disruption in lessons.",
        SupportWanted = "An exclusion prevention meeting.",
        ParentalPermissionObtained = true,
        ReferrerSignOff = new SignOff { FullName = "A Form Tutor", SignedOn = AsDate(today) },
        HeadTeacherSignOff = new SignOff { FullName = "A Head Teacher", SignedOn = AsDate(today) },
        SendcoSignOff = new SignOff { FullName = "A SENDCo", SignedOn = AsDate(today) },
    };

    private static Date AsDate(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    private static DateOnly AsDay(Date date) => new(date.Year, date.Month, date.Day);
}
