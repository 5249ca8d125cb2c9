using System.Diagnostics;
using Vinted.Api;
using Vinted.Api.Models;
using Vinted.Api.Options;
using Vinted.Simulator;

namespace Vinted.Benchmarks;

/// <summary>
/// The API client against the in-process simulator, faults off: (1) throughput, pages/s and items/s at a
/// concurrency with the rate limit out of the way; (2) the rate limiter, whose achieved rate must be within 5% of
/// the configured one.
/// </summary>
internal sealed class ClientBenchmark : IBenchmark
{
    public string Name => "client";

    public string Description => "client pages/s and items/s vs the simulator; rate-limit accuracy (--seconds 10 --concurrency 8 --rate 20 --listings 1000000)";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var seconds = arguments.Int("seconds", 10);
        var concurrency = arguments.Int("concurrency", 8);
        var rate = arguments.Double("rate", 20);
        var listings = arguments.Int("listings", 1_000_000);
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Listings = listings }, cancellationToken);
        Console.WriteLine($"simulator: {listings:N0} listings per domain at {sim.BaseUrl}; {Environment.ProcessorCount} cores");

        // Twelve catalog searches: each is scanned once by the simulator, then its pages are served from its cache.
        VintedSearch[] searches = [.. new long[] { 1206, 1231, 1779, 1904, 2050, 1907, 2630, 1242, 2094, 1812, 1193, 2993 }
            .Select(c => VintedSearch.Catalog("pt") with { CatalogIds = [c], Order = "newest_first" })];

        var (pages, items, elapsed, latencies) = await RunAsync(sim, 100_000, searches, concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
        Console.WriteLine($"throughput: concurrency {concurrency}, {seconds} s: {pages / elapsed.TotalSeconds:F0} pages/s, {items / elapsed.TotalSeconds:F0} items/s "
            + $"(96 items/page; latency p50 {Percentile(latencies, 0.5):F1} ms, p95 {Percentile(latencies, 0.95):F1} ms)");

        var (limitedPages, _, limitedElapsed, _) = await RunAsync(sim, rate, searches, concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
        var achieved = limitedPages / limitedElapsed.TotalSeconds;
        var withinTarget = Math.Abs(achieved - rate) <= rate * 0.05;
        Console.WriteLine($"rate limit: configured {rate:F1} req/s, achieved {achieved:F2} req/s over {limitedElapsed.TotalSeconds:F1} s "
            + $"({(achieved - rate) / rate:P1}) -> {(withinTarget ? "within 5%" : "OUTSIDE 5%")}");
        return withinTarget ? 0 : 1;
    }

    private static async Task<(long Pages, long Items, TimeSpan Elapsed, List<double> Latencies)> RunAsync(
        SimulatorHost sim, double requestsPerSecond, VintedSearch[] searches, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var options = new VintedApiOptions();
        options.Domains["pt"] = new VintedDomainOptions
        {
            SiteBaseUrl = sim.DomainUrl("pt"),
            ApiBaseUrl = sim.DomainUrl("pt"),
            RequestsPerSecond = requestsPerSecond,
            CircuitMinimumThroughput = 100_000,
        };
        using var client = new VintedClient(new HttpClient(VintedClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan }, options, TimeProvider.System);
        // Session bootstrap outside the measured window.
        await client.FetchPageAsync(searches[0], 1, cancellationToken);

        long pages = 0, items = 0, next = 0;
        var latencies = new List<double>();
        var watch = Stopwatch.StartNew();
        var deadline = watch.Elapsed + duration;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (watch.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                var started = watch.Elapsed;
                var page = await client.FetchPageAsync(searches[n % searches.Length], (int)(n / searches.Length % 10) + 1, cancellationToken);
                if (watch.Elapsed > deadline)
                {
                    break;
                }

                mine.Add((watch.Elapsed - started).TotalMilliseconds);
                Interlocked.Increment(ref pages);
                Interlocked.Add(ref items, page.ItemCount);
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        return (pages, items, duration, latencies);
    }

    /// <summary>The <paramref name="p"/> quantile (sorts the list).</summary>
    internal static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)(values.Count * p))];
    }
}
