using System.Diagnostics;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinted.Orchestration;
using Vinted.Orchestration.Client;

namespace Vinted.Benchmarks;

/// <summary>
/// No-op activities through fan-out/fan-in, against raw Hangfire jobs on the same storage, queue and
/// workers in the same run: what the durable layer costs on top of Hangfire.
/// </summary>
internal sealed class OrchestrationBenchmark : IBenchmark
{
    public string Name => "orchestration";

    public string Description => "no-op fan-out/fan-in at 1,000 and 10,000 activities vs raw Hangfire jobs [--workers N] [--sizes 1000,10000]";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var workers = arguments.Int("workers", 8);
        var sizes = arguments.Text("sizes", "1000,10000").Split(',').Select(int.Parse).ToArray();
        var connectionString = await BenchmarkDatabase.CreateAsync("bench_orchestration");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = connectionString,
            ["Orchestration:QueuePollInterval"] = "00:00:00.100",
            ["Orchestration:Workers:default"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orchestration:Workers:orchestrators"] = "1",
        });
        builder.Services.AddDurableOrchestration().AddOrchestrator<NoOpFanOut>().AddActivity<NoOp>().AddWorkers();
        builder.Services.AddTransient<RawJob>();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<DurableClient>();
        var jobs = host.Services.GetRequiredService<IBackgroundJobClient>();

        Console.WriteLine($"workers: {workers} on queue 'default', PostgreSQL and host on one machine ({Environment.ProcessorCount} cores)");
        Console.WriteLine($"{"activities",10} {"durable s",10} {"act/s",8} {"executions",10} {"raw hangfire s",15} {"jobs/s",8} {"overhead",9}");
        foreach (var size in sizes)
        {
            var durable = Stopwatch.StartNew();
            var id = await client.StartNewAsync(nameof(NoOpFanOut), size, cancellationToken: cancellationToken);
            var status = await client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(30), TimeSpan.FromMilliseconds(100), cancellationToken);
            durable.Stop();
            if (status?.RuntimeStatus != OrchestrationRuntimeStatus.Completed || status.ReadOutputAs<int>() != size)
            {
                Console.Error.WriteLine($"fan-out of {size} did not complete: {status?.RuntimeStatus} {status?.Error}");
                return 1;
            }

            RawJob.Reset();
            var raw = Stopwatch.StartNew();
            for (var i = 0; i < size; i++)
            {
                jobs.Enqueue<RawJob>(j => j.Run());
            }

            while (RawJob.Done < size)
            {
                await Task.Delay(20, cancellationToken);
            }

            raw.Stop();
            Console.WriteLine(
                $"{size,10:N0} {durable.Elapsed.TotalSeconds,10:F1} {size / durable.Elapsed.TotalSeconds,8:F0} {status.Executions,10} " +
                $"{raw.Elapsed.TotalSeconds,15:F1} {size / raw.Elapsed.TotalSeconds,8:F0} {durable.Elapsed / raw.Elapsed,8:F2}x");
        }

        await host.StopAsync(cancellationToken);
        return 0;
    }

    internal sealed class NoOpFanOut : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int count)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>(nameof(NoOp), i)));
            return results.Length;
        }
    }

    internal sealed class NoOp : TaskActivity<int, int>
    {
        public override Task<int> RunAsync(TaskActivityContext context, int input, CancellationToken cancellationToken) => Task.FromResult(input);
    }

    /// <summary>The same no-op as a plain Hangfire job.</summary>
    internal sealed class RawJob
    {
        private static int _done;

        public static int Done => Volatile.Read(ref _done);

        public static void Reset() => Interlocked.Exchange(ref _done, 0);

        [AutomaticRetry(Attempts = 0)]
        public void Run() => Interlocked.Increment(ref _done);
    }
}
