using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vinted.SelfHost.Hosting;
using Vinted.Orchestration.Options;
using Vinted.PriceModel;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Serving;
using Vinted.PriceModel.Training;

namespace Vinted.Benchmarks;

/// <summary>
/// The price model: (1) training time and the process's peak memory at each row count (feature rows drawn from the
/// simulator's price factors, 8 days, the last held out), sizes run in ascending order so each peak is its own; (2) the
/// estimate endpoint over HTTP on the self-host, a model of the smallest size in production: latency p50/p99 and
/// estimates per second, one item a request and batches.
/// </summary>
internal sealed class ModelBenchmark : IBenchmark
{
    public string Name => "model";

    public string Description => "price model training time and peak memory; batch scoring rows/s; estimate latency and estimates/s over HTTP (--rows 100000,1000000 --seconds 10 --concurrency 4 --batch 100 --score-rows 200000)";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var sizes = arguments.Text("rows", "100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().ToList();
        var seconds = arguments.Int("seconds", 10);
        var concurrency = arguments.Int("concurrency", 4);
        var batch = arguments.Int("batch", 100);
        var scoreRows = arguments.Int("score-rows", 200_000);
        var options = new PriceModelOptions();
        Console.WriteLine($"price model benchmark: {Environment.ProcessorCount} cores; LightGBM {options.Iterations} rounds, {options.Leaves} leaves, every core");

        byte[]? served = null;
        List<FeatureRow> requests = [];
        foreach (var rows in sizes)
        {
            var (training, test) = SyntheticFeatures.Draw(rows, days: 8);
            GC.Collect();
            var watch = Stopwatch.StartNew();
            var result = PriceTrainer.Train(training, test, options);
            watch.Stop();
            using var process = Process.GetCurrentProcess();
            Console.WriteLine(
                $"training {rows:N0} rows ({training.Count:N0} train, {test.Count:N0} held out): fit {result.Elapsed.TotalSeconds:F1} s, fit+save+score {watch.Elapsed.TotalSeconds:F1} s, " +
                $"peak working set {process.PeakWorkingSet64 / 1048576.0:N0} MiB; MAE {result.Model.Mae:F2} vs baseline {result.Baseline.Mae:F2}, " +
                $"MAPE {result.Model.Mape:P1} vs {result.Baseline.Mape:P1}, R² {result.Model.R2:F3} vs {result.Baseline.R2:F3}");
            if (served is null)
            {
                served = result.File;
                requests = test;
            }
        }

        if (served is null)
        {
            return 2;
        }

        // Batch scoring in process, as the pipeline's prices stage scores a day: the model's trees compiled once, every core.
        using (var model = LoadedPriceModel.Load(served))
        {
            var rows = SyntheticFeatures.Draw(scoreRows, days: 1).Test.Select(r => r.Features).ToArray();
            _ = model.Estimate(rows[..1000]);
            // Twice: the first pass also asks the model's featurizer about each title word and value it has not seen,
            // the second is the steady state (what a day's rows cost once their words are known).
            foreach (var pass in new[] { "first pass", "second pass" })
            {
                var engines = Stopwatch.StartNew();
                Parallel.For(0, Environment.ProcessorCount, slice =>
                    _ = model.Estimate(rows[(rows.Length * slice / Environment.ProcessorCount)..(rows.Length * (slice + 1) / Environment.ProcessorCount)]));
                engines.Stop();
                Console.WriteLine($"batch scoring {rows.Length:N0} rows in process, {pass}: compiled trees on {Environment.ProcessorCount} cores, {rows.Length / engines.Elapsed.TotalSeconds:N0} rows/s");
            }
        }

        var connectionString = await BenchmarkDatabase.CreateAsync("bench_model");
        await using var app = FunctionApp.Build(
        [
            .. BenchmarkHost.Arguments(connectionString, EngineBackend.PostgreSql, $"bench{Guid.NewGuid():N}"[..17], 4),
            $"--S3:Prefix=bench/model/{Guid.NewGuid():N}",
        ]);
        await app.StartAsync(cancellationToken);
        var registry = app.Services.GetRequiredService<ModelRegistry>();
        var version = await registry.RegisterAsync("price-eur", $"bench-{Guid.NewGuid():N}", served, beatsBaseline: true, cancellationToken);
        await registry.PromoteAsync("price-eur", version, "benchmark", cancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Add("x-functions-key", Environment.GetEnvironmentVariable("Functions__Keys__Default")
            ?? throw new InvalidOperationException("Functions__Keys__Default is not set: run benchmarks with ./vinted bench."));
        var items = requests.Select(Item).ToArray();

        foreach (var size in new[] { 1, batch })
        {
            var (latencies, elapsed) = await LoadAsync(http, items, size, concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
            Console.WriteLine(
                $"estimates over HTTP, {(size == 1 ? "one item a request" : $"batches of {size}")}, concurrency {concurrency}, {seconds} s: " +
                $"p50 {ClientBenchmark.Percentile(latencies, 0.50):F2} ms, p99 {ClientBenchmark.Percentile(latencies, 0.99):F2} ms per request, " +
                $"{latencies.Count / elapsed.TotalSeconds:F0} requests/s, {latencies.Count * size / elapsed.TotalSeconds:F0} estimates/s");
        }

        await app.StopAsync(cancellationToken);
        Console.WriteLine("Figures taken on this machine as it is: on a busy machine they are noise.");
        return 0;
    }

    private static async Task<(List<double> Latencies, TimeSpan Elapsed)> LoadAsync(
        HttpClient http, object[] items, int size, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        // One warm-up request: the first loads the model from S3.
        (await http.PostAsJsonAsync("/api/price/estimate", items[0], cancellationToken)).EnsureSuccessStatusCode();
        var latencies = new List<double>();
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = new List<double>();
            var random = new Random(worker);
            while (watch.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                object body = size == 1 ? items[random.Next(items.Length)] : new { items = Enumerable.Range(0, size).Select(_ => items[random.Next(items.Length)]).ToArray() };
                var started = watch.Elapsed;
                using var response = await http.PostAsJsonAsync("/api/price/estimate", body, cancellationToken);
                response.EnsureSuccessStatusCode();
                mine.Add((watch.Elapsed - started).TotalMilliseconds);
            }

            return mine;
        }, cancellationToken)).ToList();
        foreach (var list in await Task.WhenAll(workers))
        {
            latencies.AddRange(list);
        }

        return (latencies, watch.Elapsed);
    }

    private static object Item(FeatureRow row) => new
    {
        currency = "EUR",
        domain = row.Features.Domain,
        catalog = long.Parse(row.Features.Catalog, CultureInfo.InvariantCulture),
        brand = row.Features.Brand,
        size = row.Features.Size,
        condition = row.Features.Condition,
        title = row.Features.Title,
        photoCount = (int)row.Features.PhotoCount,
        daysOnSale = (int)row.Features.DaysOnSale,
        favouriteCount = (int)row.Features.FavouriteCount,
        priceDrops = (int)row.Features.PriceDrops,
        sellerBusiness = row.Features.SellerBusiness > 0,
        sellerListings = (int)row.Features.SellerListings,
    };
}
