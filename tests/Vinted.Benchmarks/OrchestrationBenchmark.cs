using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.SelfHost.Diagnostics;
using Vinted.SelfHost.Hosting;
using Vinted.Orchestration.Options;

namespace Vinted.Benchmarks;

/// <summary>
/// The engine's fan-out/fan-in: <see cref="FanOutProbe"/> with 1,000 and 10,000 no-op activities (each records its
/// item in PostgreSQL, nothing else), on each backend in turn (PostgreSQL, then Azure Storage on Azurite), in this one
/// process (the function app's own composition, on a task hub of its own), then the floor: a bare SKIP LOCKED queue
/// loop on the same database. Prints activities per second, the host's peak working set and Azurite's peak resident
/// memory, read from /proc for the process that listens on Azurite's queue port.
/// </summary>
internal sealed partial class OrchestrationBenchmark : IBenchmark
{
    public string Name => "orchestration";

    public string Description =>
        "FanOutProbe no-op fan-out/fan-in per backend, then a bare SKIP LOCKED queue loop: activities/s, peak memory " +
        "[--activities N (concurrent, default 16)] [--sizes 1000,10000] [--backends PostgreSql,AzureStorage]";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var concurrency = arguments.Int("activities", 16);
        var sizes = arguments.Text("sizes", "1000,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var backends = arguments.Text("backends", "PostgreSql,AzureStorage").Split(',').Select(b => Enum.Parse<EngineBackend>(b, ignoreCase: true)).ToArray();
        var storage = Environment.GetEnvironmentVariable("AzureWebJobsStorage")
            ?? throw new InvalidOperationException("AzureWebJobsStorage is not set: run benchmarks with ./vinted bench.");
        var connectionString = await BenchmarkDatabase.CreateAsync("bench_orchestration");
        var azurite = AzuritePid(storage);
        using var sampler = new MemorySampler(azurite);
        Console.WriteLine(
            $"engine: DurableTask.Core 3.11.2, {concurrency} concurrent activities; host, PostgreSQL and Azurite on one machine ({Environment.ProcessorCount} cores)");
        Console.WriteLine($"{"backend",-13} {"activities",10} {"seconds",8} {"act/s",7} {"host peak MiB",14} {"azurite peak MiB",17}  check");
        var failed = false;
        foreach (var backend in backends)
        {
            var hub = $"bench{Guid.NewGuid():N}"[..17];
            await using var app = FunctionApp.Build([.. BenchmarkHost.Arguments(connectionString, backend, hub, concurrency), "--Diagnostics:Enabled=true"]);
            await app.StartAsync(cancellationToken);
            var client = app.Services.GetRequiredService<DurableTaskClient>();
            foreach (var size in sizes)
            {
                sampler.Reset();
                var watch = Stopwatch.StartNew();
                var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutProbe), new ProbeInput(size), cancellationToken);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromMinutes(60));
                var status = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
                watch.Stop();
                var result = status.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? status.ReadOutputAs<ProbeResult>() : null;
                var ok = result is not null && result.Items == size && result.DistinctItems == size;
                failed |= !ok;
                Console.WriteLine(
                    $"{backend,-13} {size,10:N0} {watch.Elapsed.TotalSeconds,8:F1} {size / watch.Elapsed.TotalSeconds,7:F0} {sampler.HostPeak / 1048576.0,14:F0} " +
                    $"{(sampler.AzuritePeak is { } a ? (a / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "n/a"),17}  " +
                    (ok ? $"{result!.Items:N0} items, {result.TotalAttempts:N0} executions" : $"FAILED: {status.RuntimeStatus} {status.FailureDetails?.ErrorMessage}"));
            }

            await app.StopAsync(cancellationToken);
            if (backend == EngineBackend.AzureStorage)
            {
                await DeleteHubAsync(hub, storage);
            }
        }

        foreach (var size in sizes)
        {
            await QueueFloor.RunAsync(connectionString, size, concurrency, cancellationToken);
        }

        Console.WriteLine($"host process peak working set since start: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
        if (azurite is { } pid && ReadStatusKb(pid, "VmHWM") is { } hwm)
        {
            Console.WriteLine($"Azurite (pid {pid}) peak resident set since it started (VmHWM): {hwm / 1048576.0:F0} MiB");
        }

        return failed ? 1 : 0;
    }

    /// <summary>The pid of the process listening on the queue endpoint's port of <paramref name="storage"/>, from /proc.</summary>
    private static int? AzuritePid(string storage)
    {
        try
        {
            var port = QueuePort().Match(storage) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 10001;
            var inodes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
            {
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; field 9 is the socket's inode.
                    if (f.Length > 9 && f[3] == "0A" && int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                    {
                        inodes.Add($"socket:[{f[9]}]");
                    }
                }
            }

            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                {
                    continue;
                }

                try
                {
                    foreach (var fd in Directory.EnumerateFiles(Path.Combine(dir, "fd")))
                    {
                        if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                        {
                            return pid;
                        }
                    }
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException)
                {
                    // A process that ended or is not ours to read.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            Console.Error.WriteLine($"reading /proc: {e.Message}");
        }

        return null;
    }

    private static long? ReadStatusKb(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Deletes a benchmark's task hub (tables, queues, containers) from the storage account.</summary>
    internal static async Task DeleteHubAsync(string hub, string storage)
    {
        var service = new global::DurableTask.AzureStorage.AzureStorageOrchestrationService(new global::DurableTask.AzureStorage.AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hub,
            StorageAccountClientProvider = new global::DurableTask.AzureStorage.StorageAccountClientProvider(storage),
        });
        await service.DeleteAsync();
    }

    [GeneratedRegex(@"QueueEndpoint=https?://[^:/;]+:(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex QueuePort();

    /// <summary>Samples this process's working set and Azurite's resident set every 200 ms.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly int? _azurite;
        private readonly Timer _timer;
        private long _hostPeak;
        private long _azuritePeak = -1;

        public MemorySampler(int? azurite)
        {
            _azurite = azurite;
            _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
        }

        public long HostPeak => Interlocked.Read(ref _hostPeak);

        public long? AzuritePeak => Interlocked.Read(ref _azuritePeak) is var a && a >= 0 ? a : null;

        public void Reset()
        {
            Interlocked.Exchange(ref _hostPeak, 0);
            Interlocked.Exchange(ref _azuritePeak, -1);
            Sample();
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            using var self = Process.GetCurrentProcess();
            Max(ref _hostPeak, self.WorkingSet64);
            if (_azurite is { } pid && ReadStatusKb(pid, "VmRSS") is { } rss)
            {
                Max(ref _azuritePeak, rss);
            }
        }

        private static void Max(ref long target, long value)
        {
            long seen;
            while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
