using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Hosting.Postgres;
using Vinted.RawZone;
using Vinted.Warehouse;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;

namespace Vinted.Benchmarks;

/// <summary>
/// The warehouse on a simulated day of --listings catalog listings (default 1,000,000) stored as raw pages in the
/// local S3 server: staging load rate against a plain binary COPY of the same rows into an UNLOGGED table, normalize
/// and mart times, the process's peak memory, and day 2 against day 1 (the stages are incremental). Needs the local
/// stack's settings in the environment (<c>./vinted bench warehouse</c> exports them).
/// </summary>
internal sealed class WarehouseBenchmark : IBenchmark
{
    public string Name => "warehouse";

    public string Description => "staging items/s vs plain COPY, normalize and mart times, peak memory, day 2 vs day 1 (--listings 1000000)";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var listings = arguments.Int("listings", 1_000_000);
        var connectionString = Setting("ConnectionStrings__Warehouse");
        var database = "bench_warehouse";
        await using (var admin = NpgsqlDataSource.Create(connectionString))
        {
            await using var drop = admin.CreateCommand($"drop database if exists {database} with (force)");
            await drop.ExecuteNonQueryAsync(cancellationToken);
            await using var create = admin.CreateCommand($"create database {database}");
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString);
        await new SqlMigrator(dataSource, NullLogger<SqlMigrator>.Instance).MigrateAsync(typeof(WarehouseServiceCollectionExtensions).Assembly, "warehouse", cancellationToken);

        var s3Options = new S3Options
        {
            ServiceUrl = Setting("S3__ServiceUrl"), Bucket = Setting("S3__Bucket"), AccessKey = Setting("S3__AccessKey"),
            SecretKey = Setting("S3__SecretKey"), Prefix = $"bench/warehouse/{Guid.NewGuid():N}",
        };
        using var s3 = RawZoneServiceCollectionExtensions.CreateClient(s3Options);
        var rawZone = new RawZoneStore(s3, Options.Create(s3Options), TimeProvider.System, NullLogger<RawZoneStore>.Instance);
        var options = Options.Create(new WarehouseOptions());
        var quality = new QualityRunner(TimeProvider.System, options);
        var loader = new StagingLoader(dataSource, rawZone, quality, options, TimeProvider.System, NullLogger<StagingLoader>.Instance);
        var normalizer = new Normalizer(dataSource, quality, options, TimeProvider.System, NullLogger<Normalizer>.Instance);
        var mart = new MartBuilder(dataSource, quality, options, TimeProvider.System, NullLogger<MartBuilder>.Instance);
        var market = new SyntheticMarket(listings);
        Console.WriteLine($"warehouse benchmark: {listings:N0} listings on day 1; {Environment.ProcessorCount} cores; PostgreSQL {dataSource.ConnectionString.Split(';')[1]}");

        var days = new List<DayFigures>();
        foreach (var day in new[] { 1, 2 })
        {
            var date = new DateOnly(2026, 10, day);
            var runId = $"bench-day{day}";
            var ingest = Stopwatch.StartNew();
            var stored = await StoreDayAsync(rawZone, market, day, date, runId, cancellationToken);
            ingest.Stop();
            GC.Collect();
            var staged = await loader.LoadAsync(runId, date, cancellationToken);
            var peakAfterLoad = Process.GetCurrentProcess().PeakWorkingSet64;
            var normalized = await normalizer.NormalizeAsync(runId, cancellationToken);
            var built = await mart.BuildAsync(runId, cancellationToken);
            var figures = new DayFigures(day, stored, ingest.Elapsed, staged, normalized, built, peakAfterLoad);
            days.Add(figures);
            Console.WriteLine($"day {day}: raw zone {stored:N0} pages written in {ingest.Elapsed.TotalSeconds:F1} s (setup, not measured below)");
            Console.WriteLine($"  staging  {staged.Rows:N0} rows in {staged.Elapsed.TotalSeconds:F1} s = {staged.Rows / staged.Elapsed.TotalSeconds:N0} items/s (S3 read + SHA-256 + parse + COPY + analyze + checks)");
            Console.WriteLine($"  normalize {normalized.Elapsed.TotalSeconds:F1} s: {normalized.Listings:N0} listings, {normalized.NewListings:N0} new, {normalized.PriceChanges:N0} price changes, {normalized.Vanished:N0} vanished");
            Console.WriteLine($"  mart     {built.Elapsed.TotalSeconds:F1} s: {built.FactRows:N0} facts, {built.VanishedRows:N0} vanished, {built.AggregateRows:N0} aggregate rows");
            Console.WriteLine($"  peak working set after staging {peakAfterLoad / 1_048_576.0:N0} MiB");
        }

        // The ceiling: the same rows (generated, parsed and written by the same writer) with no S3, into an unlogged,
        // unpartitioned table. The loader's ratio to it is what S3 reads, checksums, logging and checks cost.
        var (plainRows, plainElapsed) = await PlainCopyAsync(dataSource, market, cancellationToken);
        // Where the loader's time goes: reading and verifying the day's pages alone, with the loader's read-ahead.
        var manifest = (await rawZone.ReadManifestAsync("bench-day1", new DateOnly(2026, 10, 1), cancellationToken))!;
        var read = Stopwatch.StartNew();
        await Parallel.ForEachAsync(manifest.Pages, new ParallelOptions { MaxDegreeOfParallelism = options.Value.PageReadAhead, CancellationToken = cancellationToken },
            async (page, ct) => await rawZone.ReadPageAsync(page, ct));
        read.Stop();
        Console.WriteLine($"S3 read + SHA-256 only of day 1's {manifest.Pages.Count:N0} pages ({options.Value.PageReadAhead} in flight): {read.Elapsed.TotalSeconds:F1} s = {manifest.ItemCount / read.Elapsed.TotalSeconds:N0} items/s");
        var day1 = days[0];
        var rate = day1.Staged.Rows / day1.Staged.Elapsed.TotalSeconds;
        var plainRate = plainRows / plainElapsed.TotalSeconds;
        Console.WriteLine($"plain binary COPY of the same {plainRows:N0} rows (same parser and writer, no S3, page generation time subtracted) into an UNLOGGED table: {plainElapsed.TotalSeconds:F1} s = {plainRate:N0} rows/s; staging loader at {rate / plainRate:P0} of it");
        Console.WriteLine($"day 2 / day 1: staging {days[1].Staged.Elapsed / day1.Staged.Elapsed:F2}, normalize {days[1].Normalized.Elapsed / day1.Normalized.Elapsed:F2}, mart {days[1].Built.Elapsed / day1.Built.Elapsed:F2}");
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"process: peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1_048_576.0:N0} MiB, GC heap now {GC.GetTotalMemory(false) / 1_048_576.0:N0} MiB, "
            + $"GC heap peak-ish (last GC) {gc.HeapSizeBytes / 1_048_576.0:N0} MiB, allocated {GC.GetTotalAllocatedBytes() / 1_073_741_824.0:N1} GiB, gen2 collections {GC.CollectionCount(2)}");
        return 0;
    }

    private static async Task<int> StoreDayAsync(RawZoneStore rawZone, SyntheticMarket market, int day, DateOnly date, string runId, CancellationToken cancellationToken)
    {
        var stored = new System.Collections.Concurrent.ConcurrentBag<StoredPage>();
        var fetchedAt = new DateTimeOffset(date.ToDateTime(new TimeOnly(4, 0)), TimeSpan.Zero);
        await Parallel.ForEachAsync(market.Pages(day), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (page, ct) =>
        {
            var address = new PageAddress("pt", "catalog", date, runId, $"catalog-{page.Catalog}", page.Page);
            stored.Add(await rawZone.WritePageAsync(
                new PageToStore(address, SyntheticMarket.Write(page.Ids, day), SyntheticMarket.RequestUrl(page.Catalog, page.Page), 200, "application/json", fetchedAt, page.Ids.Length, null), ct));
        });
        await rawZone.WriteManifestAsync(runId, date, [.. stored], cancellationToken);
        return stored.Count;
    }

    private static async Task<(long Rows, TimeSpan Elapsed)> PlainCopyAsync(NpgsqlDataSource dataSource, SyntheticMarket market, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(
            "drop table if exists public.plain_copy; create unlogged table public.plain_copy (like staging.item_observation)", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        // Generating the bodies is part of this loop but not of the loader's: time it alone to take it out.
        var generate = Stopwatch.StartNew();
        foreach (var page in market.Pages(1))
        {
            _ = SyntheticMarket.Write(page.Ids, 1);
        }

        generate.Stop();
        var date = new DateOnly(2026, 10, 1);
        var watch = Stopwatch.StartNew();
        long rows = 0;
        await using (var importer = await connection.BeginBinaryImportAsync($"copy public.plain_copy ({ObservationWriter.Columns}) from stdin (format binary)", cancellationToken))
        {
            importer.Timeout = TimeSpan.FromMinutes(30);
            foreach (var page in market.Pages(1))
            {
                var address = new PageAddress("pt", "catalog", date, "plain", $"catalog-{page.Catalog}", page.Page);
                var stored = new StoredPage($"plain/{page.Catalog}/{page.Page}", address, "", 0, page.Ids.Length, 200, SyntheticMarket.RequestUrl(page.Catalog, page.Page), DateTimeOffset.UnixEpoch, null);
                rows += (await ObservationWriter.WritePageAsync(importer, "plain", date, stored, SyntheticMarket.Write(page.Ids, 1), cancellationToken)).Rows;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        return (rows, watch.Elapsed - generate.Elapsed);
    }

    private static string Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run through ./vinted bench warehouse, or source .local/stack.env.");

    private sealed record DayFigures(int Day, int Pages, TimeSpan Ingest, StageResult Staged, NormalizeResult Normalized, MartResult Built, long PeakAfterLoad);
}
