using System.Diagnostics;
using System.Runtime;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.SelfHost.Hosting;
using Vinted.Orchestration.Options;
using Vinted.Orchestration.Client;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Options;
using Vinted.Pipeline.Orchestrators;
using Vinted.PriceModel;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Training;
using Vinted.Api;
using Vinted.Simulator;

namespace Vinted.Benchmarks;

/// <summary>
/// A whole simulated day through the real pipeline, the simulator in a process of its own (faults off, no rate
/// limit): wall time, time per stage, items per second and the host's peak memory.
/// </summary>
internal sealed class PipelineBenchmark : IBenchmark
{
    private const int SpeedRounds = 3;

    public string Name => "pipeline";

    public string Description =>
        "a whole simulated day end to end: wall time, per stage, items/s, peak memory [--listings 710000 (per domain)] [--activities 16 (concurrent)] [--model-rows 100000 (the production model's synthetic training rows)] [--floors true|false (each stage's floor, measured after the run)] [--backend PostgreSql|AzureStorage]";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var listings = arguments.Int("listings", 710_000); // per domain; about 70 % are visible on the day
        var concurrency = arguments.Int("activities", 16);
        var modelRows = arguments.Int("model-rows", 100_000);
        var backend = Enum.Parse<EngineBackend>(arguments.Text("backend", nameof(EngineBackend.PostgreSql)), ignoreCase: true);
        var day = new DateOnly(2026, 10, 1);
        var connectionString = await BenchmarkDatabase.CreateAsync("bench_pipeline");
        var hub = $"bench{Guid.NewGuid():N}"[..17];
        var objects = BenchmarkDatabase.S3($"bench/pipeline/{Guid.NewGuid():N}");
        // The day's raw zone, lake and models are not kept, however the run ends: the next run writes its own, and four
        // runs filled 8 GB.
        await using var removal = BenchmarkDatabase.RemoveObjectsAtEnd(objects);
        await using var simulator = await SimulatorProcess.StartAsync(
            new SimulatorOptions { Listings = listings, Date = day, MaxReachableResults = 10_000_000, MarketDays = 30, MarketStart = day.AddDays(-29) },
            cancellationToken);
        // Two domains, one search each: a search pages at most 10,000 times (960,000 results at 96 a page).
        Vinted.Api.Models.VintedSearch[] searches =
        [
            new() { Domain = "pt", PerPage = 96, Order = "newest_first" },
            new() { Domain = "fr", PerPage = 96, Order = "newest_first" },
        ];
        await using var app = FunctionApp.Build(
        [
            .. BenchmarkHost.Arguments(connectionString, backend, hub, concurrency),
            $"--S3:Prefix={objects.Prefix}",
            "--Ingestion:MaxReachableResults=10000000",
            .. new[] { "pt", "fr" }.SelectMany(d => new[]
            {
                $"--VintedApi:Domains:{d}:SiteBaseUrl={simulator.DomainUrl(d)}",
                $"--VintedApi:Domains:{d}:ApiBaseUrl={simulator.DomainUrl(d)}",
                $"--VintedApi:Domains:{d}:RequestsPerSecond=10000",
            }),
        ]);
        await app.StartAsync(cancellationToken);
        var client = app.Services.GetRequiredService<DurableTaskClient>();
        // What the simulator announces on each search's first page (its market lives in its own process).
        var vinted = app.Services.GetRequiredService<IVintedClient>();
        var expected = 0L;
        foreach (var search in searches)
        {
            expected += (await vinted.FetchPageAsync(search, 1, cancellationToken)).Pagination?.TotalEntries ?? 0;
        }

        // Scoring is measured with a production model in place, as a daily run after the first weekly training has it:
        // a model trained on rows drawn from the simulator's own price factors (the mart has no earlier days here).
        var (training, test) = SyntheticFeatures.Draw(modelRows, days: 8);
        var trained = PriceTrainer.Train(training, test, new PriceModelOptions());
        var registry = app.Services.GetRequiredService<ModelRegistry>();
        await registry.PromoteAsync(
            "price-eur", await registry.RegisterAsync("price-eur", $"bench-{Guid.NewGuid():N}", trained.File, beatsBaseline: true, cancellationToken), "benchmark", cancellationToken);
        Console.WriteLine($"production model price-eur trained first on {training.Count:N0} synthetic rows in {trained.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine(
            $"pipeline benchmark: two searches (pt, fr) over {expected:N0} visible listings on {day}; engine store {backend}; {concurrency} concurrent activities; " +
            $"{Environment.ProcessorCount} cores; {(GCSettings.IsServerGC ? "server" : "workstation")} GC (ConserveMemory {AppContext.GetData("System.GC.ConserveMemory") ?? 0}); " +
            "the simulator in a process of its own, the host in this one, PostgreSQL, S3 server and Azurite on this machine");

        var speedBefore = await MachineSpeed.MeasureAsync(connectionString, SpeedRounds, cancellationToken);

        // The peak from here on is the run's: the model trained above for the benchmark's sake is not the host's, so its
        // garbage is collected and its memory given back first (without this the run started 200 MiB higher some days).
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var peakReset = PeakWorkingSet.Reset();
        var startingSet = Process.GetCurrentProcess().WorkingSet64;
        await using var sampler = new WorkingSetSampler(TimeSpan.FromMilliseconds(200));
        var gcBefore = GcTotals.Now();
        var started = TimeProvider.System.GetUtcNow();
        var wall = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(DailyPipeline),
            new PipelineInput { Date = day, Trigger = "bench", Searches = [.. searches.Select(s => new SearchSpec { Search = s, MaxPages = 10_000 })] },
            cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromHours(2));
        var status = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        wall.Stop();
        await sampler.StopAsync();
        var gc = GcTotals.Now() - gcBefore;
        // Read before the benchmark folds the run's histories into steps: that read is the benchmark's, not the run's.
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var steps = await app.Services.GetRequiredService<InstanceHistory>().ReadTreeAsync(id, cancellationToken);
        var peakAfterSteps = Process.GetCurrentProcess().PeakWorkingSet64;
        var speedAfter = await MachineSpeed.MeasureAsync(connectionString, SpeedRounds, cancellationToken);
        if (status.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            await app.StopAsync(cancellationToken);
            Console.Error.WriteLine($"run {id} ended {status.RuntimeStatus}: {status.FailureDetails?.ErrorMessage}");
            return 1;
        }

        var report = status.ReadOutputAs<RunReport>()!;
        var floors = arguments.Text("floors", "true") == "true"
            ? await PipelineFloors.MeasureAsync(app.Services, connectionString, report, searches, concurrency, cancellationToken)
            : [];
        await app.StopAsync(cancellationToken);
        if (backend == EngineBackend.AzureStorage && Environment.GetEnvironmentVariable("AzureWebJobsStorage") is { } storage)
        {
            await OrchestrationBenchmark.DeleteHubAsync(hub, storage);
        }

        var items = report.Ingestion.Items;
        Console.WriteLine(
            $"pages {report.Ingestion.Pages:N0}, items {items:N0} (expected {expected:N0}), staging rows {report.Staging?.Rows:N0}, mart facts {report.Mart?.FactRows:N0}, " +
            $"lake rows {report.Lake?.Rows:N0}, listings scored {report.Prices?.Rows:N0}");
        Console.WriteLine(
            $"wall {wall.Elapsed.TotalSeconds:F1} s, {items / wall.Elapsed.TotalSeconds:N0} items/s end to end; {steps.Count:N0} activity steps, " +
            $"{steps.Sum(s => s.Attempts - 1):N0} retries, {report.Ingestion.PagesReused:N0} pages reused");
        Console.WriteLine($"  {"stage",-11} {"seconds",8} {"floor s",8} {"× floor",8}  the floor, measured after the run on its own data");
        foreach (var (stage, seconds) in report.StageSeconds)
        {
            var floor = floors.FirstOrDefault(f => f.Stage == stage);
            var rate = stage switch
            {
                "lake" => $"{report.Lake?.Rows / seconds:N0} rows/s",
                "prices" => $"{report.Prices?.Rows / seconds:N0} listings/s",
                _ => "",
            };
            Console.WriteLine(floor is null
                ? $"  {stage,-11} {seconds,8:F1} {"",8} {"",8}  {rate}"
                : $"  {stage,-11} {seconds,8:F1} {floor.Seconds,8:F1} {seconds / floor.Seconds,8:F1}  {floor.What}");
        }

        foreach (var part in floors.Where(f => f.Stage.StartsWith(' ')))
        {
            Console.WriteLine($"  {part.Stage,-11} {"",8} {part.Seconds,8:F1} {"",8}  {part.What}");
        }

        Console.WriteLine(
            $"peak working set {peak / 1024 / 1024:N0} MiB of the host {(peakReset ? "during the run" : "since its start (the kernel kept no reset)")}, from {startingSet / 1024 / 1024:N0} MiB at its start; " +
            $"the simulator's process {simulator.PeakWorkingSet / 1024 / 1024:N0} MiB apart; reading the run's steps afterwards took it to {peakAfterSteps / 1024 / 1024:N0} MiB");
        Console.WriteLine(
            "  peak working set while each activity ran (sampled every 200 ms), and the GC's committed memory: " +
            string.Join(", ", sampler.PeakByActivity(steps).Select(a => $"{a.Activity} {a.PeakBytes / 1024 / 1024:N0} MiB (GC {a.PeakGcCommitted / 1024 / 1024:N0})")));
        var jit = sampler.Jit(steps);
        Console.WriteLine(
            $"  the host's JIT during the run: {jit.Time.TotalSeconds:F1} s of compile time (all threads), {jit.Methods:N0} methods; while each activity ran: " +
            string.Join(", ", jit.ByActivity.Where(a => a.Time >= TimeSpan.FromSeconds(0.1)).Select(a => $"{a.Activity} {a.Time.TotalSeconds:F1} s ({a.Methods:N0})")));
        Console.WriteLine($"  the host's GC during the run: {gc}");
        var processors = sampler.Processors(steps);
        if (processors.ByActivity.Count > 0)
        {
            // A slow day on a virtual machine is often a day its neighbours took a share of its cores: the steal says so.
            Console.WriteLine(
                $"  the machine's {Environment.ProcessorCount} cores during the run: {processors.Run}; while each activity ran: " +
                string.Join(", ", processors.ByActivity.Select(a => $"{a.Activity} {a.Share}")));
        }

        Console.WriteLine(
            $"  the machine's speed, a fixed single-core workload timed before and after the run (best of {SpeedRounds}): PostgreSQL {speedBefore.PostgreSql:F2} / {speedAfter.PostgreSql:F2} s, " +
            $"the host {speedBefore.Host:F2} / {speedAfter.Host:F2} s");

        // Without the reset, the high-water mark is the process's since its start and says nothing about the run.
        if (peakReset && sampler.PeakReached(steps) is { } reached)
        {
            Console.WriteLine(
                $"  the high-water mark reached {reached.PeakBytes / 1024 / 1024:N0} MiB between +{(reached.After - started).TotalSeconds:F1} s and +{(reached.By - started).TotalSeconds:F1} s, " +
                $"while {(reached.Running.Count == 0 ? "no activity" : string.Join(", ", reached.Running))} ran");
        }

        var scored = report.Prices?.Rows ?? 0;
        if (scored != report.Mart?.FactRows)
        {
            Console.Error.WriteLine($"scored {scored:N0} listings, the mart holds {report.Mart?.FactRows:N0}: every listing of the day should have an estimate");
            return 1;
        }

        return items == expected ? 0 : 1;
    }
}
