using System.Diagnostics;
using System.Globalization;
using Vinted.Api;
using Vinted.Api.Models;
using Vinted.Api.Options;
using Vinted.Simulator;
using Vinted.Testing;

namespace Vinted.Benchmarks;

/// <summary>
/// Pages per second through N local forward proxies, each with its own rate limit, against the sum of those limits:
/// the client should use every proxy at its limit (the domain's own limit set out of the way), and no more.
/// </summary>
internal sealed class ProxyBenchmark : IBenchmark
{
    public string Name => "proxies";

    public string Description => "pages/s through N proxies with per-proxy limits vs the sum of the limits (--proxies 1,2,4,8 --rate 10 --seconds 10 --concurrency 32 --protocol socks5|http)";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var counts = arguments.Text("proxies", "1,2,4,8").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rate = arguments.Double("rate", 10);
        var seconds = arguments.Int("seconds", 10);
        var concurrency = arguments.Int("concurrency", 32);
        var protocol = arguments.Text("protocol", "socks5") == "http" ? ProxyProtocol.Http : ProxyProtocol.Socks5;
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Listings = 100_000 }, cancellationToken);
        Console.WriteLine($"simulator {sim.BaseUrl}; {protocol} proxies on 127.0.0.1, each leaving from its own 127.0.0.x; {rate} req/s per proxy; " +
            $"concurrency {concurrency}; {seconds} s per row; {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"proxies",7} {"limit sum",10} {"pages/s",8} {"of sum",7}  per-proxy requests");
        var ok = true;
        foreach (var count in counts)
        {
            var proxies = Enumerable.Range(0, count).Select(i => ForwardProxy.Start(protocol, 100 + i)).ToList();
            try
            {
                var (perSecond, perRoute) = await MeasureAsync(sim, proxies, rate, seconds, concurrency, cancellationToken);
                var sum = count * rate;
                var share = perSecond / sum;
                ok &= share is > 0.9 and < 1.05;
                Console.WriteLine($"{count,7} {sum,10:F1} {perSecond,8:F2} {share,7:P1}  {string.Join(" ", perRoute)}");
            }
            finally
            {
                foreach (var proxy in proxies)
                {
                    await proxy.DisposeAsync();
                }
            }
        }

        Console.WriteLine(ok ? "every row within 90%..105% of the sum of the limits" : "a row is OUTSIDE 90%..105% of the sum of the limits");
        return ok ? 0 : 1;
    }

    private static async Task<(double PagesPerSecond, IReadOnlyList<long> PerRoute)> MeasureAsync(
        SimulatorHost sim, IReadOnlyList<ForwardProxy> proxies, double rate, int seconds, int concurrency, CancellationToken cancellationToken)
    {
        var options = new VintedApiOptions();
        options.Domains["pt"] = new VintedDomainOptions
        {
            SiteBaseUrl = sim.DomainUrl("pt"),
            ApiBaseUrl = sim.DomainUrl("pt"),
            RequestsPerSecond = 10_000,
            CircuitMinimumThroughput = 100_000,
            Proxies = proxies.Select(p => new ProxyOptions { Url = p.Url, RequestsPerSecond = rate }).ToList(),
        };
        using var client = new VintedClient(new HttpClient(VintedClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan }, options, TimeProvider.System);
        var search = VintedSearch.Catalog("pt") with { PerPage = 96, Order = "newest_first" };

        // Each route opens its session (a home-page request through it) before the measured window, and the buckets refill.
        for (var i = 0; i < proxies.Count; i++)
        {
            await client.FetchPageAsync(search, 1, cancellationToken);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var before = client.RouteHealth().Select(h => h.Requests).ToList();
        long pages = 0, next = 0;
        var watch = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                await client.FetchPageAsync(search, (int)(n % 10) + 1, cancellationToken);
                if (watch.Elapsed <= deadline)
                {
                    Interlocked.Increment(ref pages);
                }
            }
        }, cancellationToken)));
        var perRoute = client.RouteHealth().Select((h, i) => h.Requests - before[i]).ToList();
        return (pages / deadline.TotalSeconds, perRoute);
    }
}
