using System.Collections.Concurrent;
using System.Diagnostics;

namespace InclusionServices.Tests;

/// <summary>
/// Keeps every span that ends in the named sources while it lives, and gives the test a source of its own: calls made
/// inside the test's own span have a trace of their own, told apart from other tests' running at once.
/// </summary>
public sealed class SpanCapture : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanCapture(string test, params string[] sources)
    {
        Test = new ActivitySource($"{test}.{Guid.NewGuid():N}");
        string[] traced = [Test.Name, .. sources];
        _listener = new ActivityListener
        {
            ShouldListenTo = source => traced.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The test's own source, to start the span its calls are made in.</summary>
    public ActivitySource Test { get; }

    public ConcurrentBag<Activity> Stopped { get; } = [];

    public void Dispose()
    {
        _listener.Dispose();
        Test.Dispose();
    }
}
