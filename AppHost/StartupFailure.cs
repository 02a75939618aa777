namespace InclusionServices.AppHost;

/// <summary>
/// Turns a failure to start into one sentence an operator can act on, with the full details in a file rather than a
/// stack trace on the screen.
/// </summary>
internal static class StartupFailure
{
    public static int Report(Exception problem)
    {
        var details = Path.Combine(Path.GetTempPath(), $"inclusion-services-start-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");
        File.WriteAllText(details, problem.ToString());
        var reason = (problem is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerException! : problem).Message;
        Console.Error.WriteLine();
        Console.Error.WriteLine($"The suite could not start: {reason.Trim()}");
        Console.Error.WriteLine(problem is StartupProblem
            ? $"(Details: {details})"
            : $"If that does not say how to fix it, docs/operations.md lists what usually stops a start; details: {details}");
        return 1;
    }
}

/// <summary>A failure to start whose message already says what went wrong and how to put it right.</summary>
internal sealed class StartupProblem(string message, Exception? inner = null) : Exception(message, inner);
