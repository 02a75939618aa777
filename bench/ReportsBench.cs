extern alias ReportingService;

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Inclusion.Events.V1;
using Inclusion.Reporting.V1;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Projector = ReportingService::InclusionServices.Reporting.Projections.Projector;
using ProjectorMetrics = ReportingService::InclusionServices.Reporting.Projections.ProjectorMetrics;
using ReportingCalendar = ReportingService::InclusionServices.Reporting.ReadModel.ReportingCalendar;
using ReportingDatabase = ReportingService::InclusionServices.Reporting.Storage.ReportingDatabase;

namespace InclusionServices.Bench;

/// <summary>
/// The prevention summary and the exclusions report over a read model of a million records: half Exclusion Prevention
/// Meetings (one in twenty followed by a permanent exclusion), half suspensions and exclusions, over seven school years
/// and 150 schools. The records are synthetic events applied once through Reporting's own projector into a database of
/// the benchmark's own (kept between runs), and the reports are asked of Reporting's own binary over gRPC.
/// </summary>
public static class ReportsBench
{
    private const string Database = "inclusion_bench_reporting";
    private const int FirstYear = 2019;
    private const int Years = 7;
    private const int Batch = 2000;
    private static readonly string[] Reasons = ["PP", "PA", "VP", "VA", "BU", "RA", "SM", "DA", "DM", "TH", "DB"];
    private static readonly string[] Ethnicities = ["WBRI", "AIND", "APKN", "BCRB", "MWBC", "OOTH"];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = Database, MaxPoolSize = 20 }.ConnectionString;
        await BenchSupport.CreateDatabaseIfMissingAsync(options.Postgres, Database);
        await using var services = Services(connection);
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReportingDatabase>().Database.MigrateAsync();
        }
        await SeedAsync(services, options.Records);

        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        using var reporting = await ReportingProcess.StartAsync(options, connection, key);
        using var channel = GrpcChannel.ForAddress(reporting.Address);
        var reports = new Reports.ReportsClient(channel);
        var analyst = new BenchTokens(key, ReportingProcess.Issuer, ReportingProcess.Audience).Header("analyst");
        var year = FirstYear + Years - 2;
        var school = SchoolUrn(7);
        var asks = new (string Name, Func<Task> Call)[]
        {
            ($"prevention summary {year}, all schools", () => reports.GetPreventionSummaryAsync(new ReportRequest { SchoolYearStart = year }, analyst).ResponseAsync),
            ($"prevention summary {year}, one school", () => reports.GetPreventionSummaryAsync(new ReportRequest { SchoolYearStart = year, SchoolUrn = school }, analyst).ResponseAsync),
            ($"exclusions report {year}, all schools", () => reports.GetExclusionsReportAsync(new ReportRequest { SchoolYearStart = year }, analyst).ResponseAsync),
            ($"exclusions report {year}, one school", () => reports.GetExclusionsReportAsync(new ReportRequest { SchoolYearStart = year, SchoolUrn = school }, analyst).ResponseAsync),
        };

        var summary = await reports.GetPreventionSummaryAsync(new ReportRequest { SchoolYearStart = year }, analyst);
        Console.WriteLine($"Read model: {options.Records:N0} records; {year}/{(year + 1) % 100:00} has {summary.Total.Meetings.Value:N0} meetings, "
            + $"{summary.Total.FollowedByPermanentExclusion.Value:N0} followed by a permanent exclusion.");
        Console.WriteLine();
        Console.WriteLine("| measurement | callers | requests | per second | p50 ms | p99 ms |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var (name, call) in asks)
        {
            // Enough calls for the tiered JIT to settle on optimised code before anything is timed.
            await Latency.MeasureAsync("warm-up", 4, 1000, call);
            foreach (var callers in new[] { 1, 8 })
            {
                Console.WriteLine(await Latency.MeasureAsync(name, callers, options.Requests, call));
            }
        }
        return 0;
    }

    private static ServiceProvider Services(string connection)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddDbContext<ReportingDatabase>(o => o.UseServiceDatabase(connection));
        var data = ReferenceData.Load();
        services.AddSingleton(new ReportingCalendar(data.Calendar, data.Rules));
        services.AddSingleton<ProjectorMetrics>();
        services.AddScoped<Projector>();
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Applies the synthetic events once: meetings (as Meetings publishes them) and exclusions (as Referrals does) on
    /// two connections side by side, a batch per transaction, as a rebuild does. A read model already holding them is kept.
    /// </summary>
    private static async Task SeedAsync(ServiceProvider services, int records)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<ReportingDatabase>();
            if (await database.AppliedEvents.CountAsync() >= records)
            {
                return;
            }
            await database.Database.ExecuteSqlRawAsync(ReportingDatabase.EmptyReadModelsSql);
        }
        var clock = Stopwatch.StartNew();
        var meetings = records / 2;
        await Task.WhenAll(
            SeedAsync(services, MeetingEvents(meetings)),
            SeedAsync(services, ExclusionEvents(records - meetings)));
        Console.WriteLine($"Seeded {records:N0} records through the projector in {clock.Elapsed.TotalSeconds:0} s.");
        await using var analyse = services.CreateAsyncScope();
        // As autovacuum would soon after a load this size: the planner's statistics of the new rows.
        await analyse.ServiceProvider.GetRequiredService<ReportingDatabase>().Database.ExecuteSqlRawAsync("ANALYZE");
    }

    private static async Task SeedAsync(ServiceProvider services, IEnumerable<IIntegrationEvent> events)
    {
        foreach (var batch in events.Chunk(Batch))
        {
            await using var scope = services.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<ReportingDatabase>();
            var projector = scope.ServiceProvider.GetRequiredService<Projector>();
            await using var transaction = await database.Database.BeginTransactionAsync();
            await projector.ApplyBatchAsync(batch, CancellationToken.None);
            await transaction.CommitAsync();
        }
    }

    private static IEnumerable<IIntegrationEvent> MeetingEvents(int count)
    {
        var random = new Random(20191);
        var sequence = 0L;
        for (var i = 0; i < count; i++)
        {
            var (date, pupil) = Somewhere(random);
            var meeting = $"meetings/{Guid.NewGuid()}";
            yield return Stamp(new MeetingChanged
            {
                Meeting = meeting, Step = MeetingStep.Held, Kind = MeetingKindOfEvent.ExclusionPreventionMeeting, MeetingDate = Iso(date),
                Outcome = "STAYS_IN_SCHOOL_WITH_SUPPORT_PLAN", Pupil = pupil,
            }, "meetings", ++sequence, date);
            if (random.Next(20) == 0)
            {
                yield return Stamp(new MeetingFollowedByPermanentExclusion
                {
                    Meeting = meeting, Exclusion = $"exclusions/{Guid.NewGuid()}", MeetingDate = Iso(date), ExcludedOn = Iso(date.AddDays(30)), Pupil = pupil,
                }, "meetings", ++sequence, date);
            }
        }
    }

    private static IEnumerable<IIntegrationEvent> ExclusionEvents(int count)
    {
        var random = new Random(20192);
        for (var i = 0; i < count; i++)
        {
            var (date, pupil) = Somewhere(random);
            var kind = random.Next(20) switch
            {
                0 => ExclusionEventKind.PermanentExclusion,
                1 or 2 => ExclusionEventKind.LunchtimeSuspension,
                _ => ExclusionEventKind.Suspension,
            };
            yield return Stamp(new ExclusionChanged
            {
                Exclusion = $"exclusions/{Guid.NewGuid()}",
                Step = kind == ExclusionEventKind.PermanentExclusion ? ExclusionStep.PermanentExclusionRecorded : ExclusionStep.SuspensionRecorded,
                Kind = kind, StartDate = Iso(date), Sessions = kind switch { ExclusionEventKind.LunchtimeSuspension => 1, ExclusionEventKind.PermanentExclusion => 2, _ => 1 + random.Next(10) },
                ReasonCodes = { Reasons[random.Next(Reasons.Length)] }, Pupil = pupil,
            }, "referrals", i + 1, date);
        }
    }

    /// <summary>A school day-ish date in one of the years, and a pupil of one of 150 schools (a third primary).</summary>
    private static (DateOnly Date, PupilReportAttributes Pupil) Somewhere(Random random)
    {
        var date = new DateOnly(FirstYear + random.Next(Years), 9, 1).AddDays(random.Next(320));
        var school = random.Next(150);
        var primary = school % 3 == 0;
        return (date, new PupilReportAttributes
        {
            Pupil = $"pupils/{Guid.NewGuid()}",
            SchoolUrn = SchoolUrn(school),
            Phase = primary ? SchoolPhase.Primary : school % 10 == 1 ? SchoolPhase.Special : SchoolPhase.Secondary,
            YearGroup = primary ? 1 + random.Next(6) : 7 + random.Next(5),
            SenStatus = (SenStatus)(1 + random.Next(3)),
            FreeSchoolMeals = random.Next(4) == 0,
            Sex = random.Next(2) == 0 ? "F" : "M",
            EthnicityCode = random.Next(5) == 0 ? "" : Ethnicities[random.Next(Ethnicities.Length)],
        });
    }

    private static string SchoolUrn(int school) => (104000 + school).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static T Stamp<T>(T integrationEvent, string producer, long sequence, DateOnly on) where T : IIntegrationEvent
    {
        integrationEvent.Metadata = new EventMetadata
        {
            EventId = Guid.NewGuid().ToString(), Producer = producer, Sequence = sequence,
            OccurredAt = Timestamp.FromDateTime(on.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc)),
        };
        return integrationEvent;
    }

    /// <summary>Reporting's own Release binary on free ports, against the benchmark's database and a broker virtual host of its own.</summary>
    private sealed class ReportingProcess : IDisposable
    {
        public const string Issuer = "inclusion-bench";
        public const string Audience = "inclusion-services";
        private readonly Process _process;

        private ReportingProcess(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<ReportingProcess> StartAsync(BenchOptions options, string database, string key)
        {
            var broker = await VirtualHostAsync(options, "inclusion-bench");
            var binary = Path.Combine(options.Repository, "Reporting.Service", "bin", "Release", "net10.0", "Reporting.Service.dll");
            if (!File.Exists(binary))
            {
                throw new InvalidOperationException($"{binary} is missing: build the solution in Release first (dotnet build -c Release).");
            }
            var (grpc, http) = (BenchSupport.FreePort(), BenchSupport.FreePort());
            // From its own folder, so it reads its own appsettings.json, as when it is deployed.
            var start = new ProcessStartInfo("dotnet", [binary])
            {
                WorkingDirectory = Path.GetDirectoryName(binary)!, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            start.Environment["DOTNET_ENVIRONMENT"] = "Development";
            start.Environment["ConnectionStrings__reportingdb"] = database;
            start.Environment["ConnectionStrings__rabbitmq"] = broker;
            start.Environment["Authentication__SigningKey"] = key;
            start.Environment["Authentication__Issuer"] = Issuer;
            start.Environment["Authentication__Audience"] = Audience;
            start.Environment["Kestrel__Endpoints__grpc__Url"] = $"http://127.0.0.1:{grpc}";
            start.Environment["Kestrel__Endpoints__http__Url"] = $"http://127.0.0.1:{http}";
            // Nothing to catch up with: the benchmark's read model has no producers to ask.
            start.Environment["Rebuild__CatchUpInterval"] = "1.00:00:00";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, line) => { if (line.Data is not null) Console.Error.WriteLine(line.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var health = new HttpClient();
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    if ((await health.GetAsync($"http://127.0.0.1:{http}/health")).IsSuccessStatusCode)
                    {
                        return new ReportingProcess(process, new Uri($"http://127.0.0.1:{grpc}"));
                    }
                }
                catch (HttpRequestException) when (attempt < 120)
                {
                }
                if (attempt >= 120 || process.HasExited)
                {
                    throw new InvalidOperationException("Reporting did not become ready within a minute.");
                }
                await Task.Delay(500);
            }
        }

        private static async Task<string> VirtualHostAsync(BenchOptions options, string name)
        {
            var management = options.RabbitMqManagement;
            using var http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority)) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
            (await http.PutAsync($"/api/vhosts/{name}", null)).EnsureSuccessStatusCode();
            var user = Uri.UnescapeDataString(management.UserInfo).Split(':')[0];
            using var everything = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
            (await http.PutAsync($"/api/permissions/{name}/{user}", everything)).EnsureSuccessStatusCode();
            return new UriBuilder(options.RabbitMq) { Path = "/" + name }.Uri.ToString();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            _process.Dispose();
        }
    }
}
