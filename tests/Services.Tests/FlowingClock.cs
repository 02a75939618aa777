using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace InclusionServices.Tests;

/// <summary>
/// A clock that runs at real speed (so a service's timers, pollers and dispatchers keep working) and that a test can
/// jump forward, e.g. ten days to make an action overdue.
/// </summary>
public sealed class FlowingClock : FakeTimeProvider, IDisposable
{
    private readonly Timer _pump;
    private readonly Stopwatch _real = Stopwatch.StartNew();
    private TimeSpan _flowed;

    public FlowingClock() : base(DateTimeOffset.UtcNow)
    {
        _pump = new Timer(_ => Flow(), null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
    }

    /// <summary>Moves the clock forward by <paramref name="span"/> at once, on top of real time.</summary>
    public void Jump(TimeSpan span) => Advance(span);

    private void Flow()
    {
        lock (_pump)
        {
            var elapsed = _real.Elapsed;
            Advance(elapsed - _flowed);
            _flowed = elapsed;
        }
    }

    public void Dispose() => _pump.Dispose();
}
