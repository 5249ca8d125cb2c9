using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Functions.Hosting;
using Vinted.Functions.Pipeline;
using Vinted.Orchestration;
using Vinted.Orchestration.Client;
using Vinted.Simulator;

namespace Vinted.Benchmarks;

/// <summary>
/// A whole simulated day through the real pipeline, in one process with the simulator (faults off, no rate
/// limit): wall time, time per stage, items per second and peak memory.
/// </summary>
internal sealed class PipelineBenchmark : IBenchmark
{
    public string Name => "pipeline";

    public string Description => "a whole simulated day end to end: wall time, per stage, items/s, peak memory [--listings 1000000] [--fetch-workers 8]";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var listings = arguments.Int("listings", 1_000_000);
        var fetchWorkers = arguments.Int("fetch-workers", 8);
        var day = new DateOnly(2026, 10, 1);
        var connectionString = await BenchmarkDatabase.CreateAsync("bench_pipeline");
        await using var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions { Listings = listings, Date = day, MaxReachableResults = 10_000_000, MarketDays = 30, MarketStart = day.AddDays(-29) },
            cancellationToken);
        var search = new Vinted.Api.Models.VintedSearch { Domain = "pt", PerPage = 96, Order = "newest_first" };
        var expected = simulator.Marketplace.GroundTruth(day, search).TotalEntries;
        await using var app = FunctionApp.Build(
        [
            $"--ConnectionStrings:Warehouse={connectionString}",
            $"--S3:Prefix=bench/pipeline/{Guid.NewGuid():N}",
            "--Http:Urls=http://127.0.0.1:0",
            "--Schedule:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
            "--Orchestration:QueuePollInterval=00:00:00.100",
            $"--Orchestration:Workers:fetch={fetchWorkers}",
            "--Ingestion:MaxReachableResults=10000000",
            $"--VintedApi:Domains:pt:SiteBaseUrl={simulator.DomainUrl("pt")}",
            $"--VintedApi:Domains:pt:ApiBaseUrl={simulator.DomainUrl("pt")}",
            "--VintedApi:Domains:pt:RequestsPerSecond=10000",
        ]);
        await app.StartAsync(cancellationToken);
        var client = app.Services.GetRequiredService<DurableClient>();
        Console.WriteLine($"pipeline benchmark: one search over {expected:N0} visible listings on {day}; fetch workers {fetchWorkers}; {Environment.ProcessorCount} cores; simulator, host, PostgreSQL and S3 server on this machine");

        var wall = Stopwatch.StartNew();
        var id = await client.StartNewAsync(
            nameof(DailyPipeline),
            new PipelineInput { Date = day, Trigger = "bench", Searches = [new() { Search = search, MaxPages = 10_000 }] },
            cancellationToken: cancellationToken);
        var status = await client.WaitForCompletionAsync(id, TimeSpan.FromHours(2), TimeSpan.FromSeconds(1), cancellationToken);
        wall.Stop();
        await app.StopAsync(cancellationToken);
        if (status?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            Console.Error.WriteLine($"run {id} ended {status?.RuntimeStatus}: {status?.Error}");
            return 1;
        }

        var report = status.ReadOutputAs<RunReport>()!;
        var items = report.Ingestion.Items;
        Console.WriteLine($"pages {report.Ingestion.Pages:N0}, items {items:N0} (expected {expected:N0}), staging rows {report.Staging?.Rows:N0}, mart facts {report.Mart?.FactRows:N0}");
        Console.WriteLine($"wall {wall.Elapsed.TotalSeconds:F1} s, {items / wall.Elapsed.TotalSeconds:N0} items/s end to end, {status.Executions} orchestrator executions");
        foreach (var (stage, seconds) in report.StageSeconds)
        {
            Console.WriteLine($"  {stage,-10} {seconds,8:F1} s");
        }

        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MiB (host and simulator in one process)");
        return items == expected ? 0 : 1;
    }
}
