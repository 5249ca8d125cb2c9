using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vinted.Simulator;

namespace Vinted.Benchmarks;

/// <summary>
/// The simulator run as a process of its own (its standalone entry point, <c>Vinted.Simulator.dll</c>, beside this
/// benchmark's), so that the benchmark process's peak working set is the host's alone (issue 21): the simulator's
/// market of a million listings weighs hundreds of MiB.
/// </summary>
internal sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SimulatorProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    /// <summary>The origin, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The base URL of one country's marketplace, as <see cref="SimulatorHost.DomainUrl"/> gives it.</summary>
    public Uri DomainUrl(string domain) => new(BaseUrl, domain + "/");

    /// <summary>Starts the simulator with <paramref name="options"/>' market settings and waits until it answers.</summary>
    public static async Task<SimulatorProcess> StartAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        string Setting(string name, object value) => $"--{SimulatorOptions.Section}:{name}={Convert.ToString(value, CultureInfo.InvariantCulture)}";
        var info = new ProcessStartInfo("dotnet",
        [
            "exec", Path.Combine(AppContext.BaseDirectory, "Vinted.Simulator.dll"),
            "--urls", baseUrl.ToString().TrimEnd('/'),
            "--Logging:LogLevel:Default=Warning",
            Setting(nameof(options.Listings), options.Listings),
            Setting(nameof(options.Date), options.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Setting(nameof(options.MaxReachableResults), options.MaxReachableResults),
            Setting(nameof(options.MarketDays), options.MarketDays),
            Setting(nameof(options.MarketStart), options.MarketStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("the simulator process did not start");
        var simulator = new SimulatorProcess(process, baseUrl);
        try
        {
            await simulator.WaitUntilAnsweringAsync(cancellationToken);
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Peak working set of the simulator's process so far, in bytes (0 once it has exited).</summary>
    public long PeakWorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? 0 : _process.PeakWorkingSet64;
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // Building a market of a million listings takes a while on a loaded machine: a generous wait, no timing claim.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the simulator process exited with code {_process.ExitCode} before answering");
            }

            try
            {
                using var response = await http.GetAsync(BaseUrl, cancellationToken);
                return; // any answer: Kestrel is up
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new TimeoutException("the simulator process did not answer within 10 minutes");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
