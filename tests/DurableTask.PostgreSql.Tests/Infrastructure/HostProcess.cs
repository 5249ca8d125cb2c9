using System.Diagnostics;
using System.Text;

namespace DurableTask.PostgreSql.Tests.Infrastructure;

/// <summary>
/// A worker host as a real process (<c>DurableTask.PostgreSql.TestHost</c>), for tests that crash, kill or stop hosts:
/// it runs a TaskHubWorker over an already migrated hub. Its output is kept for the test's messages.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a host named <paramref name="name"/> over <paramref name="schema"/>.</summary>
    public static HostProcess Start(string name, string connectionString, string schema, int leaseSeconds = 10, int maxDeliveryCount = 10, int maxActivities = 4)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "DurableTask.PostgreSql.TestHost.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            Environment =
            {
                ["DTPG_HOST_NAME"] = name,
                ["DTPG_CONNECTION"] = connectionString,
                ["DTPG_SCHEMA"] = schema,
                ["DTPG_LEASE_SECONDS"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["DTPG_MAX_DELIVERY_COUNT"] = maxDeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["DTPG_MAX_ACTIVITIES"] = maxActivities.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // A host that crashes on purpose (Environment.FailFast) writes no dump.
                ["DOTNET_DbgEnableMiniDump"] = "0",
            },
        };
        return new HostProcess(name, Process.Start(info)!);
    }

    /// <summary>Waits until the process has exited by itself (a crash); false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Ends the process the way a crash does: SIGKILL, no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) the process: a host that stalls, as under a long GC pause or a paused VM.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // SIGKILL also ends a stopped (SIGSTOP) process.
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
