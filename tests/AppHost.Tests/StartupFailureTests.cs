using System.Diagnostics;

namespace InclusionServices.AppHost.Tests;

/// <summary>A start that cannot succeed says why in one sentence, and where the details are; never a stack trace.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_failed_start_is_one_sentence_with_the_details_in_a_file()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AppHost.dll"), "--Infrastructure:Mode=bogus"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var appHost = Process.Start(start)!;
        var errors = await appHost.StandardError.ReadToEndAsync();
        var output = await appHost.StandardOutput.ReadToEndAsync();
        await appHost.WaitForExitAsync();

        Assert.Equal(1, appHost.ExitCode);
        Assert.Contains("The suite could not start: Infrastructure:Mode 'bogus' is not one of: local, containers, external.", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors + output, StringComparison.Ordinal);
        var details = System.Text.RegularExpressions.Regex.Match(errors, @"details: (\S+\.log)").Groups[1].Value;
        Assert.Contains("InvalidOperationException", await File.ReadAllTextAsync(details), StringComparison.Ordinal);
        File.Delete(details);
    }
}
