using System.Diagnostics;
using System.Text;

namespace Vinted.Testing;

/// <summary>The function app run as a real process (as `./vinted serve` runs it), with the stack's settings (Azurite included).</summary>
public sealed class FunctionHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private FunctionHostProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

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

    /// <summary>Starts the app; <paramref name="configure"/> edits its environment.</summary>
    public static FunctionHostProcess Start(string[] args, Action<IDictionary<string, string?>> configure)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Vinted.SelfHost.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in LocalStack.Instance.Settings)
        {
            info.Environment[key] = value;
        }

        // A task hub of its own unless the caller shares one between its hosts (kill and restart, two hosts).
        info.Environment["DurableTask__HubName"] = LocalStack.NewHubName();

        configure(info.Environment);
        return new FunctionHostProcess(Process.Start(info)!);
    }

    /// <summary>Runs the app until it exits by itself.</summary>
    public static async Task<(int ExitCode, string StandardError)> RunToExitAsync(string[] args, Action<IDictionary<string, string?>> configure, TimeSpan timeout)
    {
        await using var host = Start(args, configure);
        using var cts = new CancellationTokenSource(timeout);
        await host._process.WaitForExitAsync(cts.Token);
        return (host._process.ExitCode, host.Output);
    }

    /// <summary>Ends the process the way a crash does: SIGKILL, no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

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
