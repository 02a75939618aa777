using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Inclusion.Referrals.V1;
using InclusionServices.EventBus;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Meetings;
using InclusionServices.Tests.Placements;
using InclusionServices.Tests.Platform;
using InclusionServices.Tests.Referrals;
using RabbitMQ.Client;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Events;

/// <summary>
/// A reporting job as someone new would write it, in another language: the Python job docs/events.md shows, run as
/// written (a plain AMQP client and gRPC, no code of the suite's), against Referrals on a broker nothing has yet
/// published an exclusion to.
/// </summary>
public sealed partial class ReportingJobTests(ReferralsOnKestrel referrals) : IClassFixture<ReferralsOnKestrel>
{
    private const string School = "640001";

    [Fact]
    public async Task The_python_job_in_docs_events_md_binds_on_a_fresh_suite_replays_the_history_and_follows_the_bus()
    {
        var folder = Directory.CreateTempSubdirectory("reporting-job-").FullName;
        try
        {
            var job = Path.Combine(folder, "permanent_exclusions.py");
            await File.WriteAllTextAsync(job, JobInDocs());
            // As docs/events.md says: generate the EventHistory messages with protoc beside the job.
            await RunAsync("protoc", "-I", Path.Combine(Repository.Root, "protos"), "--python_out=" + folder,
                Path.Combine(Repository.Root, "protos/inclusion/events/v1/event_history.proto"),
                Path.Combine(Repository.Root, "protos/inclusion/options/v1/options.proto"));
            await RegisterSchoolAsync(referrals.Channel, School);

            // Started before any exclusion exists: its bind to the ExclusionChanged exchange must already succeed.
            using var first = JobProcess.Start(job, folder, referrals);
            await first.WaitForAsync(line => line.Contains("\"replayed\"", StringComparison.Ordinal), "the first job replayed the history");
            await RecordPermanentExclusionAsync(1);
            await first.WaitForAsync(line => line.Contains("\"permanent_exclusions\": 1", StringComparison.Ordinal), "the first job followed the bus");

            // A job started later learns the same from the history alone, then follows.
            using var second = JobProcess.Start(job, folder, referrals);
            await second.WaitForAsync(line => line.Contains("\"replayed\"", StringComparison.Ordinal), "the second job replayed the history");
            Assert.Contains(second.Lines, line => line.Contains($"\"school_urn\": \"{School}\", \"permanent_exclusions\": 1", StringComparison.Ordinal));
            await RecordPermanentExclusionAsync(2);
            foreach (var process in new[] { first, second })
            {
                await process.WaitForAsync(line => line.Contains("\"permanent_exclusions\": 2", StringComparison.Ordinal), "each job counted the second");
            }
            // Each event counted once, however it came: no job ever got to 3.
            Assert.DoesNotContain(first.Lines.Concat(second.Lines), line => line.Contains("\"permanent_exclusions\": 3", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task RecordPermanentExclusionAsync(int serial)
    {
        var pupil = await NewPupilAsync(referrals.Channel, School, 500 + serial);
        await new Exclusions.ExclusionsClient(referrals.Channel).RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion
            {
                Pupil = pupil.Name, Kind = ExclusionKind.PermanentExclusion, StartDate = On(2020, 2, 4), Sessions = 2, ReasonCodes = { "PA" },
            },
        }, Officer);
    }

    /// <summary>The first Python block of docs/events.md, exactly as a reader would copy it.</summary>
    private static string JobInDocs()
    {
        var docs = File.ReadAllText(Path.Combine(Repository.Root, "docs", "events.md"));
        var block = PythonBlock().Match(docs);
        Assert.True(block.Success, "docs/events.md shows a Python job");
        return block.Groups[1].Value;
    }

    [GeneratedRegex("```python\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PythonBlock();

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed: {errors}");
    }

    /// <summary>The job running under Debian's Python, its output lines collected as they come.</summary>
    private sealed class JobProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _errors = new();

        public ConcurrentQueue<string> Lines { get; } = new();

        private JobProcess(Process process) => _process = process;

        public static JobProcess Start(string script, string folder, ReferralsOnKestrel referrals)
        {
            var start = new ProcessStartInfo("/usr/bin/python3", [script])
            {
                WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            start.Environment["PYTHONPATH"] = folder;
            start.Environment["INCLUSION_AMQP_URL"] = referrals.BrokerConnectionString;
            start.Environment["INCLUSION_REFERRALS_GRPC"] = referrals.GrpcAddress.Authority;
            start.Environment["INCLUSION_TOKEN"] = Tokens.For(InclusionRoles.Service);
            start.Environment["JOB_STOP_WHEN_IDLE_SECONDS"] = "60";
            var job = new JobProcess(new Process { StartInfo = start });
            job._process.OutputDataReceived += (_, line) => { if (line.Data is not null) job.Lines.Enqueue(line.Data); };
            job._process.ErrorDataReceived += (_, line) => { if (line.Data is not null) job._errors.Enqueue(line.Data); };
            job._process.Start();
            job._process.BeginOutputReadLine();
            job._process.BeginErrorReadLine();
            return job;
        }

        public Task WaitForAsync(Func<string, bool> line, string what) =>
            Eventually.HoldsAsync(() =>
            {
                Assert.False(_process.HasExited && !Lines.Any(line), $"The job stopped: {string.Join('\n', _errors)}");
                return Task.FromResult(Lines.Any(line));
            }, what);

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
            _process.Dispose();
        }
    }
}

/// <summary>
/// Every service declares the exchanges of the events it publishes when it starts, so a job can bind to any of them on
/// a fresh suite, before the first event of that kind (checked here with a passive declare, which fails on a missing one).
/// </summary>
public sealed class PublishedExchangesTests(ReferralsUnderTest referrals, MeetingsUnderTest meetings, PlacementsUnderTest placements)
    : IClassFixture<ReferralsUnderTest>, IClassFixture<MeetingsUnderTest>, IClassFixture<PlacementsUnderTest>
{
    [Fact]
    public async Task Each_services_event_exchanges_exist_as_soon_as_it_has_started()
    {
        foreach (var (producer, broker) in new[]
        {
            ("referrals", referrals.BrokerConnectionString!), ("meetings", meetings.BrokerConnectionString!), ("placements", placements.BrokerConnectionString!),
        })
        {
            await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
            foreach (var exchange in EventCatalog.PublishedBy[producer])
            {
                await Eventually.HoldsAsync(async () =>
                {
                    await using var probe = await connection.CreateChannelAsync();
                    try
                    {
                        await probe.ExchangeDeclarePassiveAsync(exchange);
                        return true;
                    }
                    catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                    {
                        return false;
                    }
                }, $"{producer} declared {exchange}", seconds: 30);
            }
        }
    }
}
