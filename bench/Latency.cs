using System.Diagnostics;

namespace InclusionServices.Bench;

/// <summary>Timings of one measurement: requests in a closed loop by a number of callers, each waiting for its answer.</summary>
public sealed record Latency(string Name, int Callers, int Requests, double Seconds, double P50Ms, double P99Ms)
{
    public double PerSecond => Requests / Seconds;

    public static Task<Latency> MeasureAsync(string name, int callers, int requests, Func<Task> call) =>
        MeasureAsync(name, callers, requests, _ => call());

    /// <summary>As above, each call given its number (0 to requests - 1), for calls that each need a record of their own.</summary>
    public static async Task<Latency> MeasureAsync(string name, int callers, int requests, Func<int, Task> call)
    {
        var timings = new double[requests];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                await call(index);
                timings[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(timings);
        return new Latency(name, callers, requests, seconds, Percentile(timings, 0.50), Percentile(timings, 0.99));
    }

    public static double Percentile(double[] sorted, double fraction) => sorted[(int)Math.Ceiling(fraction * sorted.Length) - 1];

    public override string ToString() =>
        $"| {Name} | {Callers} | {Requests} | {PerSecond:0} | {P50Ms:0.00} | {P99Ms:0.00} |";
}
