using System.Diagnostics;
using InclusionServices.ServiceDefaults;
using OpenTelemetry;

namespace InclusionServices.Tests.Platform;

/// <summary>Which traces reach the dashboard when sampling is on: failed, slow, and the chosen one in N.</summary>
public sealed class TraceSamplingTests : IDisposable
{
    private const int KeepOneIn = 1000;
    private readonly ActivitySource _source = new($"TraceSamplingTests.{Guid.NewGuid():N}");
    private readonly ActivityListener _listener;
    private readonly Exported _exported = new();

    public TraceSamplingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private TraceSampling Sampling(int keepOneIn = KeepOneIn) =>
        new(_exported, new TraceSamplingOptions { KeepOneIn = keepOneIn, SlowerThan = TimeSpan.FromSeconds(1) }, TimeProvider.System);

    /// <summary>A trace id whose random half is <paramref name="value"/>: chosen when it divides by KeepOneIn.</summary>
    private static ActivityTraceId TraceId(ulong value)
    {
        var bytes = new byte[16];
        Random.Shared.NextBytes(bytes.AsSpan(0, 8));
        BitConverter.TryWriteBytes(bytes.AsSpan(8), value);
        return ActivityTraceId.CreateFromBytes(bytes);
    }

    /// <summary>A request that arrived from outside (a remote parent), with two database calls inside it.</summary>
    private List<Activity> Request(TraceSampling sampling, ActivityTraceId trace, Action<Activity>? root = null, Action<Activity>? child = null,
        TimeSpan? took = null)
    {
        var caller = new ActivityContext(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var request = _source.StartActivity("request", ActivityKind.Server, caller)!;
        if (took is { } duration)
        {
            request.SetStartTime(DateTime.UtcNow - duration);
        }
        var spans = new List<Activity>();
        for (var i = 0; i < 2; i++)
        {
            var query = _source.StartActivity($"query {i}", ActivityKind.Client)!;
            if (i == 1)
            {
                child?.Invoke(query);
            }
            query.Stop();
            sampling.OnEnd(query);
            spans.Add(query);
        }
        root?.Invoke(request);
        request.Stop();
        sampling.OnEnd(request);
        spans.Add(request);
        return spans;
    }

    [Fact]
    public void An_ordinary_quick_trace_not_chosen_is_dropped_whole()
    {
        Request(Sampling(), TraceId(1));
        Assert.Empty(_exported.Spans);
    }

    [Fact]
    public void A_trace_with_an_error_in_any_span_is_kept_whole()
    {
        var spans = Request(Sampling(), TraceId(1), child: query => query.SetStatus(ActivityStatusCode.Error, "deadlock"));
        Assert.Equal(spans, _exported.Spans);
    }

    [Theory]
    [InlineData("grpc.status_code", "5")] // grpc-dotnet's own tag on the server's span: NOT_FOUND
    [InlineData("rpc.grpc.status_code", 13)] // the client instrumentation's: INTERNAL
    public void A_call_that_answered_a_grpc_error_is_kept(string tag, object status)
    {
        var spans = Request(Sampling(), TraceId(1), root: request => request.SetTag(tag, status));
        Assert.Equal(spans, _exported.Spans);
    }

    [Fact]
    public void A_call_that_answered_ok_is_not_a_failure()
    {
        Request(Sampling(), TraceId(1), root: request => request.SetTag("grpc.status_code", "0").SetTag("http.response.status_code", 200));
        Assert.Empty(_exported.Spans);
    }

    [Fact]
    public void Two_requests_of_one_trace_in_one_process_are_decided_apart()
    {
        var sampling = Sampling();
        var trace = TraceId(1);
        var quick = Request(sampling, trace);
        var failed = Request(sampling, trace, child: query => query.SetStatus(ActivityStatusCode.Error));
        Assert.Equal(failed, _exported.Spans);
        Assert.DoesNotContain(quick[0], _exported.Spans);
    }

    [Fact]
    public void A_failed_span_whose_root_never_ends_is_exported_at_shutdown()
    {
        var sampling = Sampling();
        var caller = new ActivityContext(TraceId(1), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var request = _source.StartActivity("request", ActivityKind.Server, caller)!;
        var query = _source.StartActivity("query")!;
        query.SetStatus(ActivityStatusCode.Error);
        query.Stop();
        sampling.OnEnd(query);
        Assert.Empty(_exported.Spans);

        sampling.Shutdown();
        Assert.Equal([query], _exported.Spans);
        Activity.Current = null;
    }

    [Fact]
    public void A_slow_trace_is_kept()
    {
        var spans = Request(Sampling(), TraceId(1), took: TimeSpan.FromSeconds(2));
        Assert.Equal(spans, _exported.Spans);
    }

    [Fact]
    public void Slow_traces_are_kept_up_to_the_limit_each_second_and_failed_ones_beyond_it()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var sampling = new TraceSampling(_exported,
            new TraceSamplingOptions { KeepOneIn = KeepOneIn, SlowerThan = TimeSpan.FromSeconds(1), SlowKeptPerSecond = 2 }, clock);
        var slow = TimeSpan.FromSeconds(2);

        var first = Request(sampling, TraceId(1), took: slow);
        var second = Request(sampling, TraceId(1), took: slow);
        var third = Request(sampling, TraceId(1), took: slow);
        var failed = Request(sampling, TraceId(1), took: slow, child: query => query.SetStatus(ActivityStatusCode.Error));
        clock.Advance(TimeSpan.FromSeconds(1));
        var nextSecond = Request(sampling, TraceId(1), took: slow);

        Assert.Equal([.. first, .. second, .. failed, .. nextSecond], _exported.Spans);
        Assert.DoesNotContain(third[2], _exported.Spans);
    }

    [Fact]
    public void Chosen_ordinary_traces_are_kept_up_to_the_limit_each_second_and_failed_ones_beyond_it()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var sampling = new TraceSampling(_exported, new TraceSamplingOptions { KeepOneIn = KeepOneIn, OrdinaryKeptPerSecond = 2 }, clock);
        var chosen = TraceId(KeepOneIn * 7);

        var first = Request(sampling, chosen);
        var second = Request(sampling, chosen);
        var third = Request(sampling, chosen);
        var failed = Request(sampling, chosen, child: query => query.SetStatus(ActivityStatusCode.Error));
        clock.Advance(TimeSpan.FromSeconds(1));
        var nextSecond = Request(sampling, chosen);

        Assert.Equal([.. first, .. second, .. failed, .. nextSecond], _exported.Spans);
        Assert.DoesNotContain(third[2], _exported.Spans);
    }

    [Fact]
    public void A_database_command_made_outside_any_request_is_kept_only_when_it_failed()
    {
        // One in two chosen: of 200 polls about 100 would be kept if they were sampled like requests.
        var sampling = Sampling(keepOneIn: 2);
        Activity Poll(Action<Activity>? outcome = null)
        {
            var poll = _source.StartActivity("postgresql", ActivityKind.Client, default(ActivityContext))!;
            poll.SetTag("db.system.name", "postgresql");
            outcome?.Invoke(poll);
            poll.Stop();
            sampling.OnEnd(poll);
            return poll;
        }
        Activity.Current = null;

        var polls = Enumerable.Range(0, 200).Select(_ => Poll()).ToList();
        Assert.All(polls, poll => Assert.True(TraceSampling.IsBackgroundCommand(poll)));
        Assert.Empty(_exported.Spans);

        var failed = Poll(poll => poll.SetStatus(ActivityStatusCode.Error, "connection refused"));
        Assert.Equal([failed], _exported.Spans);
    }

    [Fact]
    public void One_in_n_ordinary_traces_is_kept_and_the_same_one_in_every_service()
    {
        var chosen = TraceId(KeepOneIn * 7);
        Assert.True(TraceSampling.IsChosen(chosen, KeepOneIn));
        var spans = Request(Sampling(), chosen);
        Assert.Equal(spans, _exported.Spans);
    }

    [Fact]
    public void With_sampling_off_every_span_is_exported_as_it_ends()
    {
        var spans = Request(Sampling(keepOneIn: 1), TraceId(1));
        Assert.Equal(spans, _exported.Spans);
    }

    [Fact]
    public void Work_that_ends_after_its_dropped_request_is_dropped_unless_it_fails()
    {
        var sampling = Sampling();
        var caller = new ActivityContext(TraceId(1), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var request = _source.StartActivity("request", ActivityKind.Server, caller)!;
        // Started inside the request, ended after it was answered.
        var late = _source.StartActivity("late write")!;
        Activity.Current = request;
        var failing = _source.StartActivity("late failure")!;
        Activity.Current = request;
        Assert.Same(request, late.Parent);
        request.Stop();
        sampling.OnEnd(request);

        late.Stop();
        sampling.OnEnd(late);
        Assert.Empty(_exported.Spans);

        failing.SetStatus(ActivityStatusCode.Error);
        failing.Stop();
        sampling.OnEnd(failing);
        Assert.Equal([failing], _exported.Spans);
        Activity.Current = null;
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    private sealed class Exported : BaseProcessor<Activity>
    {
        public List<Activity> Spans { get; } = [];

        public override void OnEnd(Activity data) => Spans.Add(data);
    }
}
