using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Inclusion.Referrals.V1;
using Npgsql;
using Xunit.Abstractions;
using InclusionServices.Tests.Events;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Faults;

/// <summary>
/// Faults with real processes, started and stopped by the tests: a PostgreSQL and a RabbitMQ of each test's own, and
/// Referrals and Reporting as processes of their own. A stream of exclusions is recorded through one, a fault is made
/// mid-stream, and then: every exclusion that was answered OK is stored; each reached Reporting exactly once in effect
/// (its counts equal the OK answers; each event applied once, none missing); callers saw OK or UNAVAILABLE (retryable),
/// never INTERNAL; and the services came back without being restarted. Run on their own by test.sh (Category=Faults):
/// they stop servers and need the two cores.
/// </summary>
[Trait("Category", "Faults")]
public sealed class FaultTests(ITestOutputHelper output)
{
    private const int PerSecond = 20;

    [Fact]
    public async Task RabbitMq_stopped_for_30_seconds_during_a_stream_of_writes_loses_nothing()
    {
        await using var suite = await FaultSuite.StartAsync();
        var pupils = await suite.PupilsAsync(PerSecond * 45 + 1);
        var outcomes = await StreamAsync(suite, pupils, TimeSpan.FromSeconds(45), async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(8));
            await suite.Broker.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(30));
            await suite.Broker.StartAsync();
        });
        await suite.AssertNothingLostAsync(outcomes, pupils, output);
    }

    [Fact]
    public async Task PostgreSQL_restarted_during_writes_answers_unavailable_and_loses_nothing()
    {
        await using var suite = await FaultSuite.StartAsync();
        var pupils = await suite.PupilsAsync(PerSecond * 20 + 1);
        var outcomes = await StreamAsync(suite, pupils, TimeSpan.FromSeconds(20), async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(8));
            await suite.Postgres.RestartAsync();
        });
        await suite.AssertNothingLostAsync(outcomes, pupils, output);
    }

    [Fact]
    public async Task Reporting_killed_mid_message_applies_every_event_once_after_it_is_started_again()
    {
        await using var suite = await FaultSuite.StartAsync();
        var pupils = await suite.PupilsAsync(PerSecond * 20 + 1);
        var outcomes = await StreamAsync(suite, pupils, TimeSpan.FromSeconds(20), async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(8));
            suite.Reporting.Kill();
            await Task.Delay(TimeSpan.FromSeconds(5));
            await suite.StartReportingAsync();
        });
        Assert.All(outcomes, o => Assert.Equal(StatusCode.OK, o.Status));
        await suite.AssertNothingLostAsync(outcomes, pupils, output);
    }

    [Fact]
    public async Task Three_replicas_of_Referrals_at_once_store_every_write_and_publish_each_event_once()
    {
        await using var suite = await FaultSuite.StartAsync(referralsReplicas: 3);
        var pupils = await suite.PupilsAsync(PerSecond * 20 + 1);
        var outcomes = await StreamAsync(suite, pupils, TimeSpan.FromSeconds(20), () => Task.CompletedTask);
        Assert.All(outcomes, o => Assert.Equal(StatusCode.OK, o.Status));
        await suite.AssertNothingLostAsync(outcomes, pupils, output);
    }

    public sealed record Outcome(int Pupil, StatusCode Status, string? Exclusion, string Detail);

    /// <summary>
    /// Records a suspension for a new pupil 20 times a second (an open loop: a slow answer does not slow the stream),
    /// spread over the Referrals replicas, while <paramref name="fault"/> runs.
    /// </summary>
    private static async Task<List<Outcome>> StreamAsync(FaultSuite suite, string[] pupils, TimeSpan length, Func<Task> fault)
    {
        var count = (int)(length.TotalSeconds * PerSecond);
        var outcomes = new ConcurrentBag<Outcome>();
        var calls = new List<Task>();
        var faulting = Task.Run(fault);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / PerSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            var index = i;
            var client = new Exclusions.ExclusionsClient(suite.ReferralsChannels[i % suite.ReferralsChannels.Count]);
            calls.Add(Task.Run(async () =>
            {
                try
                {
                    var recorded = await client.RecordExclusionAsync(Suspension(pupils[index]), Officer, deadline: DateTime.UtcNow.AddSeconds(15));
                    outcomes.Add(new Outcome(index, StatusCode.OK, recorded.Name, ""));
                }
                catch (RpcException problem)
                {
                    outcomes.Add(new Outcome(index, problem.StatusCode, null, problem.Status.Detail));
                }
            }));
        }
        await Task.WhenAll(calls);
        await faulting;
        return [.. outcomes.OrderBy(o => o.Pupil)];
    }

    private static RecordExclusionRequest Suspension(string pupil) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Exclusion = new Exclusion { Pupil = pupil, Kind = ExclusionKind.Suspension, StartDate = On(2025, 11, 4), Sessions = 2, ReasonCodes = { "PP" } },
    };

    /// <summary>PostgreSQL, RabbitMQ, Referrals (one or more replicas) and Reporting, each a process of its own.</summary>
    private sealed class FaultSuite : IAsyncDisposable
    {
        private const string School = "108001";
        private readonly string _work;
        private readonly List<ServiceProcess> _referrals = [];

        private FaultSuite(string work, OwnPostgres postgres, OwnRabbitMq broker) => (_work, Postgres, Broker) = (work, postgres, broker);

        public OwnPostgres Postgres { get; }
        public OwnRabbitMq Broker { get; }
        public ServiceProcess Reporting { get; private set; } = null!;
        public List<GrpcChannel> ReferralsChannels { get; } = [];
        private GrpcChannel ReportingChannel { get; set; } = null!;

        public static async Task<FaultSuite> StartAsync(int referralsReplicas = 1)
        {
            var work = Path.Combine(Path.GetTempPath(), $"inclusion-faults-{Guid.NewGuid():N}");
            Directory.CreateDirectory(work);
            var postgres = await OwnPostgres.StartAsync(work);
            OwnRabbitMq broker;
            try
            {
                broker = await OwnRabbitMq.StartAsync(work);
            }
            catch
            {
                postgres.Dispose();
                throw;
            }
            var suite = new FaultSuite(work, postgres, broker);
            try
            {
                await postgres.CreateDatabaseAsync("referralsdb");
                await postgres.CreateDatabaseAsync("reportingdb");
                await ServiceProcess.MigrateAsync("Referrals.Service", "referralsdb", postgres.ConnectionString("referralsdb"));
                await ServiceProcess.MigrateAsync("Reporting.Service", "reportingdb", postgres.ConnectionString("reportingdb"));
                for (var i = 0; i < referralsReplicas; i++)
                {
                    var referrals = await ServiceProcess.StartAsync("Referrals.Service", suite.Settings("referralsdb"));
                    suite._referrals.Add(referrals);
                    suite.ReferralsChannels.Add(referrals.NewChannel());
                }
                await suite.StartReportingAsync();
                await RegisterSchoolAsync(suite.ReferralsChannels[0], School);
                return suite;
            }
            catch
            {
                // Nothing of a suite that could not start is left running.
                await suite.DisposeAsync();
                throw;
            }
        }

        public async Task StartReportingAsync()
        {
            var settings = Settings("reportingdb");
            // Where Reporting asks for a producer's history when it finds a gap (its catch-up), as service discovery gives it.
            settings["services:referrals:grpc:0"] = _referrals[0].GrpcAddress.ToString();
            settings["Rebuild:CatchUpInterval"] = "00:00:05";
            Reporting = await ServiceProcess.StartAsync("Reporting.Service", settings);
            ReportingChannel = Reporting.NewChannel();
        }

        private Dictionary<string, string?> Settings(string database)
        {
            var settings = new Dictionary<string, string?>(Tokens.ServiceSettings.Concat(TestServers.QuickEventBusSettings))
            {
                [$"ConnectionStrings:{database}"] = Postgres.ConnectionString(database),
                ["ConnectionStrings:rabbitmq"] = Broker.ConnectionString,
            };
            return settings;
        }

        /// <summary>New pupils at the school, made before the stream (eight at a time), one suspension each.</summary>
        public async Task<string[]> PupilsAsync(int count)
        {
            var pupils = new string[count];
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (i, _) => pupils[i] = (await NewPupilAsync(ReferralsChannels[0], School, i, upnPrefix: "80180010")).Name);
            return pupils;
        }

        public async Task AssertNothingLostAsync(List<Outcome> outcomes, string[] pupils, ITestOutputHelper output)
        {
            output.WriteLine(string.Join(", ", outcomes.GroupBy(o => o.Status).Select(g => $"{g.Count()} {g.Key}")) + $" of {outcomes.Count} writes");
            var wrong = outcomes.Where(o => o.Status is not (StatusCode.OK or StatusCode.Unavailable)).ToList();
            Assert.True(wrong.Count == 0, $"{wrong.Count} callers saw neither OK nor UNAVAILABLE: "
                + string.Join("; ", wrong.Take(5).Select(o => $"{o.Status} {o.Detail}")));
            var ok = outcomes.Where(o => o.Status == StatusCode.OK).Select(o => Guid.Parse(o.Exclusion!["exclusions/".Length..])).ToArray();
            Assert.True(ok.Length > outcomes.Count / 2, $"only {ok.Length} of {outcomes.Count} writes were answered OK");

            // Every write answered OK is stored (and nothing else was: a refused write left no exclusion behind).
            var stored = await ScalarAsync("referralsdb", "SELECT count(*) FROM exclusions WHERE school_urn = $1", School);
            var storedOk = await ScalarAsync("referralsdb", "SELECT count(*) FROM exclusions WHERE id = ANY($1)", ok);
            Assert.Equal(ok.Length, storedOk);
            Assert.Equal(ok.Length, stored);

            // The services came back on their own: a write now is answered OK and reaches Reporting with the rest.
            Assert.All(_referrals, r => Assert.False(r.HasExited, r.Log));
            var after = await new Exclusions.ExclusionsClient(ReferralsChannels[^1]).RecordExclusionAsync(Suspension(pupils[^1]), Officer);
            Assert.NotNull(after.Name);
            var expected = ok.Length + 1;

            // Exactly once in effect: the report counts each exclusion once, and each event is applied once, none missing.
            var reports = new Inclusion.Reporting.V1.Reports.ReportsClient(ReportingChannel);
            double counted = -1;
            try
            {
                await Eventually.HoldsAsync(async () =>
                {
                    var report = await reports.GetExclusionsReportAsync(new Inclusion.Reporting.V1.ReportRequest { SchoolYearStart = 2025, SchoolUrn = School }, Manager);
                    counted = report.Totals.SingleOrDefault(t => t.Kind == Inclusion.Reporting.V1.ExclusionKind.Suspension)?.Count.Value ?? 0;
                    return counted >= expected;
                }, $"Reporting counts all {expected} suspensions", seconds: 120);
            }
            catch (Xunit.Sdk.XunitException) when (counted >= 0)
            {
                Assert.Fail($"Reporting counted {counted} of {expected} suspensions.\nReporting's log:\n{Reporting.Log}");
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
            var report = await reports.GetExclusionsReportAsync(new Inclusion.Reporting.V1.ReportRequest { SchoolYearStart = 2025, SchoolUrn = School }, Manager);
            Assert.Equal(expected, report.Totals.Single(t => t.Kind == Inclusion.Reporting.V1.ExclusionKind.Suspension).Count.Value);
            var published = await ScalarAsync("referralsdb", "SELECT count(*) FROM outbox_events");
            var applied = await ScalarAsync("reportingdb", "SELECT count(*) FROM applied_events WHERE producer = 'referrals'");
            var last = await ScalarAsync("reportingdb", "SELECT coalesce(max(sequence), 0) FROM applied_events WHERE producer = 'referrals'");
            Assert.Equal(published, applied);
            Assert.Equal(published, last);
            output.WriteLine($"{ok.Length} stored; Reporting counted {expected} with the write after; {applied} of {published} events applied, once each");
        }

        private async Task<long> ScalarAsync(string database, string sql, params object[] parameters)
        {
            await using var connection = new NpgsqlConnection(Postgres.ConnectionString(database));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (var parameter in parameters)
            {
                command.Parameters.AddWithValue(parameter);
            }
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var channel in ReferralsChannels.Append(ReportingChannel))
            {
                channel?.Dispose();
            }
            foreach (var service in _referrals.Append(Reporting))
            {
                service?.Dispose();
            }
            Broker.Dispose();
            Postgres.Dispose();
            await Task.Run(() => Directory.Delete(_work, recursive: true));
        }
    }
}
