using System.Diagnostics;

namespace Vinted.Functions.Tests.Infrastructure;

/// <summary>Runs a command line tool to completion and returns what it wrote.</summary>
internal static class Processes
{
    /// <summary>Generous: the machine is shared and loaded; a hung tool still fails the test instead of the run.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string fileName, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        using var timeout = new CancellationTokenSource(Limit);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} ran longer than {Limit}.");
        }

        return (process.ExitCode, await output, await error);
    }
}
