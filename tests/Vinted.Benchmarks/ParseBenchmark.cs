using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Vinted.Api.Models;
using Vinted.Api.Parsing;
using Vinted.RawZone;
using Vinted.Simulator;
using Vinted.Testing;
using Vinted.Warehouse.Staging;

namespace Vinted.Benchmarks;

/// <summary>
/// Staging's CPU per item, split into its passes, on one thread: search pages fetched from the in-process simulator
/// once, then each pass over all of them, best of several rounds. The pipeline benchmark's parse floor is the sum on
/// every core; this says which part of it is what.
/// </summary>
internal sealed class ParseBenchmark : IBenchmark
{
    public string Name => "parse";

    public string Description => "staging's parse per item, split into its passes, one thread (--pages 1000 --rounds 7)";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var count = arguments.Int("pages", 1000);
        var rounds = arguments.Int("rounds", 7);
        await FetchAsync(count, cancellationToken);
        var fetch = Stopwatch.StartNew();
        var pages = await FetchAsync(count, cancellationToken);
        var fetched = fetch.Elapsed;
        var items = pages.Sum(p => p.Page.ItemCount);
        Console.WriteLine($"parse benchmark: {pages.Count:N0} search pages, {pages.Sum(p => (long)p.Body.Length) / 1e6:F1} MB, {items:N0} items; one thread, best of {rounds} rounds");
        // The digest says whether a change to the simulator's writer kept its bytes. The fetch (the second of two, the
        // first warms up) is the simulator writing each page and the client reading it, in this process, a page at a time.
        Console.WriteLine($"  the pages' SHA-256 {Convert.ToHexStringLower(Digest(pages))[..16]}; fetched in {fetched.TotalMilliseconds:N0} ms, {fetched.TotalMilliseconds * 1000 / items:F2} µs an item");

        (string Name, string What, Action<StoredPage, byte[]> Pass)[] passes =
        [
            ("reader", "Utf8JsonReader over every token, nothing kept: the tokenizer's floor", (_, body) =>
            {
                var reader = new Utf8JsonReader(body);
                while (reader.Read())
                {
                }
            }),
            ("inspect", "VintedPageParser.Inspect: what ingestion reads of each page it fetches", (_, body) => VintedPageParser.Inspect(body)),
            ("document", "JsonDocument.Parse alone", (_, body) => JsonDocument.Parse(body.AsMemory()).Dispose()),
            ("parser", "VintedPageParser.Parse: the document and every item read", (_, body) => VintedPageParser.Parse(body)),
            ("text checks", "the parser, then ItemText.Problem of every item (UTF-8, escapes)", (page, body) =>
            {
                foreach (var (start, length) in VintedPageParser.Parse(body).ElementRanges!)
                {
                    ItemText.Problem(body.AsSpan(start, length));
                }
            }),
            ("prepare", "ObservationWriter.Prepare: what staging does per page before the COPY", (page, body) => ObservationWriter.Prepare(page, body)),
            ("sha-256", "the read's checksum", (_, body) => SHA256.HashData(body)),
        ];
        var best = passes.ToDictionary(p => p.Name, _ => double.MaxValue);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, _, pass) in passes)
            {
                var watch = Stopwatch.StartNew();
                foreach (var (page, body) in pages)
                {
                    pass(page, body);
                }

                best[name] = Math.Min(best[name], watch.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine($"  {"pass",-12} {"ms",8} {"µs/item",8}");
        foreach (var (name, what, _) in passes)
        {
            Console.WriteLine($"  {name,-12} {best[name],8:F0} {best[name] * 1000 / items,8:F2}  {what}");
        }

        return 0;
    }

    private static byte[] Digest(List<(StoredPage Page, byte[] Body)> pages)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, body) in pages)
        {
            hash.AppendData(body);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Full pages of one catalog search (the simulator's reach lifted), as the raw zone would list them.</summary>
    private static async Task<List<(StoredPage Page, byte[] Body)>> FetchAsync(int count, CancellationToken cancellationToken)
    {
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { Listings = 200_000, MaxReachableResults = 1_000_000 }, cancellationToken);
        using var client = Sim.Client(sim, configure: domain => (domain.RequestsPerSecond, domain.CircuitMinimumThroughput) = (100_000, 100_000));
        var search = VintedSearch.Catalog("pt") with { Order = "newest_first", PerPage = 96 };
        var pages = new List<(StoredPage, byte[])>(count);
        for (var number = 1; number <= count; number++)
        {
            var fetched = await client.FetchPageAsync(search, number, cancellationToken);
            var address = new PageAddress("pt", "catalog", sim.Marketplace.Options.Date, "parse-benchmark", search.Key, number);
            pages.Add((new StoredPage($"page-{number}", address, "", fetched.Body.Length, fetched.ItemCount, 200, fetched.RequestUri.ToString(), fetched.FetchedAt, null), fetched.Body));
        }

        return pages;
    }
}
