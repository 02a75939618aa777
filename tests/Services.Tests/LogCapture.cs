using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InclusionServices.Tests;

/// <summary>
/// Keeps what a service under test logs at or above a level, so a test can assert on it (an operator's dashboard
/// shows no error for an everyday event) or name it when a wait times out (which service complained, and why).
/// </summary>
public sealed class LogCapture(LogLevel minimum) : ILoggerProvider
{
    private const int Kept = 500;

    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    private LogLevel Minimum { get; } = minimum;

    /// <summary>The entries kept, newest last, one per line, for a failure message.</summary>
    public string Describe(string service) => Entries.IsEmpty
        ? $"{service}: no warnings or errors logged"
        : string.Join(Environment.NewLine, Entries.Select(e => $"{service} {e.Level} {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string category, string message)
    {
        Entries.Enqueue((level, category, message));
        while (Entries.Count > Kept && Entries.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= capture.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture.Add(logLevel, category, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})"));
            }
        }
    }
}
