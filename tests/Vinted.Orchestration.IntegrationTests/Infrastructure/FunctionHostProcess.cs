using System.Diagnostics;
using System.Text;

namespace Vinted.Orchestration.IntegrationTests.Infrastructure;

/// <summary>The function app run as a real process (`Vinted.Functions.dll serve`), with the stack's settings.</summary>
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

    /// <summary>Starts <c>serve</c>; <paramref name="configure"/> edits its environment (the stack's settings are in it).</summary>
    public static FunctionHostProcess Serve(Action<IDictionary<string, string?>> configure)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Vinted.Functions.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", dll, "serve"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in LocalStack.Instance.Settings)
        {
            info.Environment[key] = value;
        }

        configure(info.Environment);
        return new FunctionHostProcess(Process.Start(info)!);
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
