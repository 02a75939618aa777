using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace InclusionServices.ServiceDefaults;

/// <summary>The "Telemetry:Traces" section: how many traces go to the dashboard.</summary>
public sealed class TraceSamplingOptions
{
    public const string SectionName = "Telemetry:Traces";

    /// <summary>Of traces that neither failed nor were slow, one in this many is kept (1, the default: all of them)...</summary>
    public int KeepOneIn { get; set; } = 1;

    /// <summary>
    /// ...up to this many a second in each process (none given: no limit). One in ten of 2,000 reads a second is still
    /// 200 traces a second, and taking them in cost the dashboard an eighth to a quarter of this machine's two cores.
    /// </summary>
    public int? OrdinaryKeptPerSecond { get; set; }

    /// <summary>A trace whose request (or other local root) took at least this long is kept...</summary>
    public TimeSpan SlowerThan { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// ...up to this many a second in each process (none given: no limit). When a process backs up every call is slow,
    /// and exporting each trace then would add the dashboard's load to the overload. Failed traces are never limited.
    /// </summary>
    public int? SlowKeptPerSecond { get; set; }
}

/// <summary>
/// Chooses which traces are exported, after they end: every trace with a failed call or an error in any span, every
/// slow one (up to <see cref="TraceSamplingOptions.SlowKeptPerSecond"/> a second), and one in
/// <see cref="TraceSamplingOptions.KeepOneIn"/> of the rest (up to <see cref="TraceSamplingOptions.OrdinaryKeptPerSecond"/>
/// a second). A span waits here until the span that began its part of the trace in this process (its local root: a
/// request, a consumed event, a publish) has ended, then that part is exported or dropped whole. The "one in N" is
/// chosen from the trace id, so every service keeps the same ordinary traces and they show whole on the dashboard
/// (unless a service has reached its limit for the second: under heavy load an ordinary trace may lack a busier
/// service's part; failed ones never do). Tracing every request under load cost a third of a core in the dashboard
/// alone.
/// </summary>
/// <remarks>
/// A composite processor holding the exporter's own processor, so the exporter still learns the service's resource
/// (name, instance) from the tracer provider. Any processor added after this one would sit inside it and see only the
/// spans kept.
/// </remarks>
public sealed class TraceSampling : CompositeProcessor<Activity>
{
    // A local root's state is forgotten this long after its last span ended (a span whose root never ended, say).
    private static readonly TimeSpan Settled = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    private readonly TraceSamplingOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(ActivityTraceId Trace, ActivitySpanId Root), LocalTrace> _traces = new();
    private long _lastSweep;
    private readonly PerSecondAllowance _slow;
    private readonly PerSecondAllowance _ordinary;

    public TraceSampling(BaseProcessor<Activity> export, TraceSamplingOptions options, TimeProvider time) : base([export])
    {
        _options = options;
        _time = time;
        _lastSweep = time.GetTimestamp();
        _slow = new PerSecondAllowance(options.SlowKeptPerSecond, time);
        _ordinary = new PerSecondAllowance(options.OrdinaryKeptPerSecond, time);
    }

    public override void OnEnd(Activity data)
    {
        if (_options.KeepOneIn <= 1)
        {
            base.OnEnd(data);
            return;
        }
        try
        {
            var root = data;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }
            var local = _traces.GetOrAdd((data.TraceId, root.SpanId), _ => new LocalTrace());
            var export = root == data
                ? local.RootEnded(data, keep: IsFailure(data)
                    || (IsChosen(data.TraceId, _options.KeepOneIn) && !IsBackgroundCommand(data) && _ordinary.Take())
                    || (data.Duration >= _options.SlowerThan && _slow.Take()), _time.GetUtcNow())
                : local.SpanEnded(data, IsFailure(data), _time.GetUtcNow());
            export.ForEach(base.OnEnd);
            SweepNowAndThen();
        }
        catch (Exception)
        {
            // Telemetry must never fail the work it observes: this runs inside Activity.Stop.
        }
    }

    /// <summary>Up to a limit of traces kept in each second of the clock (no limit given: every one).</summary>
    private sealed class PerSecondAllowance(int? limit, TimeProvider time)
    {
        private readonly Lock _gate = new();
        private long _second = -1;
        private int _keptThisSecond;

        /// <summary>Whether one more may be kept this second (and counts it if so).</summary>
        public bool Take()
        {
            if (limit is not { } most)
            {
                return true;
            }
            var second = time.GetUtcNow().ToUnixTimeSeconds();
            lock (_gate)
            {
                if (second != _second)
                {
                    (_second, _keptThisSecond) = (second, 0);
                }
                if (_keptThisSecond >= most)
                {
                    return false;
                }
                _keptThisSecond++;
                return true;
            }
        }
    }

    /// <summary>
    /// A failed call or an error anywhere: a span marked as an error, a gRPC status other than OK (grpc-dotnet's own tag
    /// on a server span, the instrumentation's on a client span), or an HTTP status of 400 or more.
    /// </summary>
    public static bool IsFailure(Activity span) =>
        span.Status == ActivityStatusCode.Error
        || IsNonZero(span.GetTagItem("grpc.status_code"))
        || IsNonZero(span.GetTagItem("rpc.grpc.status_code"))
        || span.GetTagItem("http.response.status_code") is int http && http >= 400;

    /// <summary>
    /// A database command made outside any request or event (an outbox dispatcher's or a watcher's poll, a readiness
    /// check): a trace of one span, kept only when it failed or was slow. Chosen one in N like the rest, these few a
    /// second from each service filled the Traces page and used up the ordinary traces' allowance.
    /// </summary>
    public static bool IsBackgroundCommand(Activity span) =>
        span.Kind == ActivityKind.Client && span.ParentSpanId == default
        && span.TagObjects.Any(tag => tag.Key.StartsWith("db.", StringComparison.Ordinal));

    private static bool IsNonZero(object? status) => status is not null && status.ToString() is not ("0" or "");

    /// <summary>One in <paramref name="keepOneIn"/> trace ids, the same in every process.</summary>
    public static bool IsChosen(ActivityTraceId trace, int keepOneIn)
    {
        Span<byte> bytes = stackalloc byte[16];
        trace.CopyTo(bytes);
        // The last eight bytes of a W3C trace id are random.
        return BitConverter.ToUInt64(bytes[8..]) % (ulong)keepOneIn == 0;
    }

    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        ExportWaitingFailures(DateTimeOffset.MaxValue);
        return base.OnForceFlush(timeoutMilliseconds);
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        ExportWaitingFailures(DateTimeOffset.MaxValue);
        return base.OnShutdown(timeoutMilliseconds);
    }

    private void SweepNowAndThen()
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last) >= SweepEvery && Interlocked.CompareExchange(ref _lastSweep, _time.GetTimestamp(), last) == last)
        {
            ExportWaitingFailures(_time.GetUtcNow() - Settled);
        }
    }

    /// <summary>Forgets local traces untouched since <paramref name="before"/>, exporting what failed in those never decided.</summary>
    private void ExportWaitingFailures(DateTimeOffset before)
    {
        foreach (var (key, local) in _traces)
        {
            if (local.IsUntouchedSince(before) && _traces.TryRemove(key, out _))
            {
                local.Settle().ForEach(base.OnEnd);
            }
        }
    }

    /// <summary>The spans of one local root, and whether it was kept, once it ended. Every change under its own lock.</summary>
    private sealed class LocalTrace
    {
        private readonly Lock _gate = new();
        private List<Activity> _waiting = [];
        private bool _failed;
        private bool? _kept;
        private DateTimeOffset _touched = DateTimeOffset.MinValue;

        public List<Activity> SpanEnded(Activity span, bool failed, DateTimeOffset now)
        {
            lock (_gate)
            {
                _touched = now;
                if (_kept is { } kept)
                {
                    // Its root has ended already (work left running after the request was answered).
                    return kept || failed ? [span] : [];
                }
                _waiting.Add(span);
                _failed |= failed;
                return [];
            }
        }

        public List<Activity> RootEnded(Activity root, bool keep, DateTimeOffset now)
        {
            lock (_gate)
            {
                _touched = now;
                _kept = keep || _failed;
                var waiting = _waiting;
                _waiting = [];
                return _kept.Value ? [.. waiting, root] : [];
            }
        }

        public bool IsUntouchedSince(DateTimeOffset before)
        {
            lock (_gate)
            {
                return _touched < before;
            }
        }

        /// <summary>Never decided: what waits is exported if any of it failed.</summary>
        public List<Activity> Settle()
        {
            lock (_gate)
            {
                var waiting = _failed && _kept is null ? _waiting : [];
                _waiting = [];
                _kept ??= false;
                return waiting;
            }
        }
    }
}
