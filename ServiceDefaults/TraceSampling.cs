using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace InclusionServices.ServiceDefaults;

/// <summary>The "Telemetry:Traces" section: how many traces go to the dashboard.</summary>
public sealed class TraceSamplingOptions
{
    public const string SectionName = "Telemetry:Traces";

    /// <summary>Of traces that neither failed nor were slow, one in this many is kept (1, the default: all of them).</summary>
    public int KeepOneIn { get; set; } = 1;

    /// <summary>A trace whose request (or other local root) took at least this long is always kept.</summary>
    public TimeSpan SlowerThan { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Chooses which traces are exported, after they end: every trace with a failed call or an error in any span, every
/// slow one, and one in <see cref="TraceSamplingOptions.KeepOneIn"/> of the rest. A span waits here until the span that
/// began its trace in this process (a request, a consumed event, a publish) has ended, then its whole trace is exported
/// or dropped together. The "one in N" is chosen from the trace id, so every service keeps the same ordinary traces and
/// they show whole on the dashboard. Tracing under load cost a third of a core in the dashboard alone.
/// </summary>
public sealed class TraceSampling : CompositeProcessor<Activity>
{
    // Spans and decisions older than this are settled by the sweep (a span whose root never ended, say).
    private static readonly TimeSpan Settled = TimeSpan.FromMinutes(1);

    private readonly TraceSamplingOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<ActivityTraceId, Waiting> _waiting = new();
    private readonly ConcurrentDictionary<ActivityTraceId, Decision> _decided = new();
    private long _ended;

    public TraceSampling(BaseProcessor<Activity> export, TraceSamplingOptions options, TimeProvider time) : base([export])
    {
        _options = options;
        _time = time;
    }

    public override void OnEnd(Activity data)
    {
        if (_options.KeepOneIn <= 1)
        {
            base.OnEnd(data);
            return;
        }
        var trace = data.TraceId;
        if (data.Parent is null)
        {
            EndLocalRoot(data, trace);
        }
        else if (_decided.TryGetValue(trace, out var decision))
        {
            // Its root has ended already (work left running after the request was answered).
            if (decision.Keep || IsFailure(data))
            {
                base.OnEnd(data);
            }
        }
        else
        {
            var waiting = _waiting.GetOrAdd(trace, _ => new Waiting(_time.GetUtcNow()));
            lock (waiting)
            {
                waiting.Spans.Add(data);
                waiting.Failed |= IsFailure(data);
            }
        }
        if (Interlocked.Increment(ref _ended) % 4096 == 0)
        {
            Sweep();
        }
    }

    private void EndLocalRoot(Activity root, ActivityTraceId trace)
    {
        List<Activity> spans = [];
        var failed = IsFailure(root);
        if (_waiting.TryRemove(trace, out var waiting))
        {
            lock (waiting)
            {
                spans = waiting.Spans;
                failed |= waiting.Failed;
            }
        }
        var keep = failed || root.Duration >= _options.SlowerThan || IsChosen(trace, _options.KeepOneIn)
                   || (_decided.TryGetValue(trace, out var earlier) && earlier.Keep);
        _decided[trace] = new Decision(keep, _time.GetUtcNow());
        if (keep)
        {
            spans.ForEach(base.OnEnd);
            base.OnEnd(root);
        }
    }

    /// <summary>A failed call or an error anywhere: a span marked as an error, or a gRPC or HTTP status other than success.</summary>
    public static bool IsFailure(Activity span) =>
        span.Status == ActivityStatusCode.Error
        || span.GetTagItem("rpc.grpc.status_code") is { } grpc && grpc.ToString() is not ("0" or null)
        || span.GetTagItem("http.response.status_code") is int http && http >= 400;

    /// <summary>One in <paramref name="keepOneIn"/> trace ids, the same in every process.</summary>
    public static bool IsChosen(ActivityTraceId trace, int keepOneIn)
    {
        Span<byte> bytes = stackalloc byte[16];
        trace.CopyTo(bytes);
        // The last eight bytes of a W3C trace id are random.
        return BitConverter.ToUInt64(bytes[8..]) % (ulong)keepOneIn == 0;
    }

    private void Sweep()
    {
        var before = _time.GetUtcNow() - Settled;
        foreach (var (trace, decision) in _decided)
        {
            if (decision.At < before)
            {
                _decided.TryRemove(trace, out _);
            }
        }
        foreach (var (trace, waiting) in _waiting)
        {
            if (waiting.Since < before && _waiting.TryRemove(trace, out _))
            {
                lock (waiting)
                {
                    if (waiting.Failed)
                    {
                        waiting.Spans.ForEach(base.OnEnd);
                    }
                }
            }
        }
    }

    private sealed class Waiting(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; } = since;
        public List<Activity> Spans { get; } = [];
        public bool Failed { get; set; }
    }

    private readonly record struct Decision(bool Keep, DateTimeOffset At);
}
