using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Platform.Postgres;
using Vinted.ObjectStore;
using Vinted.ObjectStore.S3;
using Vinted.RawZone;
using Vinted.Warehouse;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;

namespace Vinted.Benchmarks;

/// <summary>
/// The warehouse over --days consecutive simulated days (default 30) of a market of --listings live catalog listings
/// (default 1,000,000; each day about 5% sell, as many are listed, about 0.5% drop their price) stored as raw pages in
/// the local S3 server: per day the staging, normalize and mart times; day N against day 1; staging's rate against a
/// plain binary COPY of the same rows into an UNLOGGED table; the process's peak memory. Stops after the day during
/// which --minutes (default 15) ran out, and says so. Each day's raw pages and staging rows are dropped once its mart
/// is built, so 30 days of a million listings fit on a laptop's disk (their retention is not what is measured).
/// With --from-day N (N &gt; 1) the month already in the benchmark's database is kept and days N to --days are added to
/// it: one more day measured on a month's history without building the month again (the figures that read day 1's pages
/// are then left out). --work-mem sets the stages' PostgreSQL work_mem (default: the option's own).
/// Needs the local stack's settings in the environment (<c>./vinted bench warehouse</c> exports them).
/// </summary>
internal sealed class WarehouseBenchmark : IBenchmark
{
    public string Name => "warehouse";

    public string Description => "per-day staging/normalize/mart over N days, day N vs day 1, staging vs plain COPY (--listings 1000000 --days 30 --minutes 15 [--from-day N] [--work-mem 1GB])";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var listings = arguments.Int("listings", 1_000_000);
        var dayCount = arguments.Int("days", 30);
        var budget = TimeSpan.FromMinutes(arguments.Double("minutes", 15));
        var fromDay = arguments.Int("from-day", 1);
        var connectionString = fromDay > 1 ? BenchmarkDatabase.Existing("bench_warehouse") : await BenchmarkDatabase.CreateAsync("bench_warehouse");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SqlMigrator(dataSource, NullLogger<SqlMigrator>.Instance).MigrateAsync(typeof(WarehouseServiceCollectionExtensions).Assembly, "warehouse", cancellationToken);

        if (await DiskShortfallAsync(dataSource, listings, dayCount - fromDay + 1, cancellationToken) is { } shortfall)
        {
            Console.Error.WriteLine(shortfall);
            return 2;
        }

        var s3Options = BenchmarkDatabase.S3($"bench/warehouse/{Guid.NewGuid():N}");
        // However the run ends: day 1's pages (kept for the floors) and the last day's stay otherwise, and runs that left
        // theirs filled 13 GB of the local S3 server.
        await using var removal = BenchmarkDatabase.RemoveObjectsAtEnd(s3Options);
        using var objects = ObjectStoreServiceCollectionExtensions.CreateObjectStore(s3Options);
        // The day before is dropped with S3's bulk delete (1,000 keys a request), outside the measured stages.
        using var s3 = S3ObjectStore.CreateClient(s3Options);
        var rawZone = new RawZoneStore(objects, TimeProvider.System, NullLogger<RawZoneStore>.Instance);
        var options = Options.Create(new WarehouseOptions());
        options.Value.WorkMem = arguments.Text("work-mem", options.Value.WorkMem);
        var quality = new QualityRunner(TimeProvider.System, options);
        var loader = new StagingLoader(dataSource, rawZone, quality, options, TimeProvider.System, NullLogger<StagingLoader>.Instance);
        var normalizer = new Normalizer(dataSource, quality, options, TimeProvider.System, NullLogger<Normalizer>.Instance);
        var mart = new MartBuilder(dataSource, quality, options, TimeProvider.System, NullLogger<MartBuilder>.Instance);
        var market = new SyntheticMarket(listings);
        Console.WriteLine($"warehouse benchmark: {listings:N0} live listings a day, {dayCount} days, {budget.TotalMinutes:N0} minutes at most; work_mem {options.Value.WorkMem}; {Environment.ProcessorCount} cores; PostgreSQL {dataSource.ConnectionString.Split(';')[1]}");
        Console.WriteLine("day | rows      | staging s | normalize s | mart s | new     | price changes | vanished | raw zone setup s | machine: PostgreSQL / host s");

        var days = new List<DayFigures>();
        IReadOnlyList<StoredPage> previous = [];
        var clock = Stopwatch.StartNew();
        for (var day = fromDay; day <= dayCount; day++)
        {
            var date = new DateOnly(2026, 10, 1).AddDays(day - 1);
            var runId = $"bench-day{day}";
            var ingest = Stopwatch.StartNew();
            var stored = await StoreDayAsync(rawZone, market, day, date, runId, cancellationToken);
            ingest.Stop();
            GC.Collect();
            // A month is an hour: the machine's speed that day (MachineSpeed) tells a slower day from a slower machine.
            var speed = await MachineSpeed.MeasureAsync(connectionString, rounds: 2, cancellationToken);
            var staged = await loader.LoadAsync(runId, date, cancellationToken);
            var peakAfterLoad = Process.GetCurrentProcess().PeakWorkingSet64;
            var normalized = await normalizer.NormalizeAsync(runId, cancellationToken);
            var built = await mart.BuildAsync(runId, cancellationToken);
            var figures = new DayFigures(day, stored.Count, ingest.Elapsed, staged, normalized, built, peakAfterLoad);
            days.Add(figures);
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{day,3} | {staged.Rows,9:N0} | {staged.Elapsed.TotalSeconds,9:F1} | {normalized.Elapsed.TotalSeconds,11:F1} | {built.Elapsed.TotalSeconds,6:F1} | {normalized.NewListings,7:N0} | {normalized.PriceChanges,13:N0} | {normalized.Vanished,8:N0} | {ingest.Elapsed.TotalSeconds,16:F1} | {speed.PostgreSql:F2} / {speed.Host:F2}"));
            // Day 1's pages stay: the read-only and plain COPY figures below read them.
            await DropDayAsync(s3, s3Options.Bucket, dataSource, day <= 2 ? [] : previous, $"bench-day{day - 1}", cancellationToken);
            previous = stored;

            if (clock.Elapsed > budget && day < dayCount)
            {
                Console.WriteLine($"stopped after day {day} of {dayCount}: the {budget.TotalMinutes:N0}-minute budget ran out ({clock.Elapsed.TotalMinutes:F1} min)");
                break;
            }
        }

        if (fromDay > 1)
        {
            Console.WriteLine($"days {fromDay} to {days[^1].Day} added to the month in bench_warehouse; the figures that read day 1's pages are left out");
            return 0;
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
        var last = days[^1];
        Console.WriteLine($"day {last.Day} / day 1: staging {last.Staged.Elapsed / day1.Staged.Elapsed:F2}, normalize {last.Normalized.Elapsed / day1.Normalized.Elapsed:F2}, mart {last.Built.Elapsed / day1.Built.Elapsed:F2}, "
            + $"all three {(last.Staged.Elapsed + last.Normalized.Elapsed + last.Built.Elapsed) / (day1.Staged.Elapsed + day1.Normalized.Elapsed + day1.Built.Elapsed):F2} (target: at most 1.2)");
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"process: peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1_048_576.0:N0} MiB, GC heap now {GC.GetTotalMemory(false) / 1_048_576.0:N0} MiB, "
            + $"GC heap peak-ish (last GC) {gc.HeapSizeBytes / 1_048_576.0:N0} MiB, allocated {GC.GetTotalAllocatedBytes() / 1_073_741_824.0:N1} GiB, gen2 collections {GC.CollectionCount(2)}");
        return 0;
    }

    /// <summary>
    /// Whether PostgreSQL's disk can hold the days to come: the month's database was 25 GB after 30 days of 1,000,000
    /// listings (2026-12-07), about 0.85 GB a day for each million. A month that found the disk full on day 20 had
    /// measured nothing of its last eleven days; this says so before the first. Checked only where the data directory
    /// is on this machine (the local stack's).
    /// </summary>
    private static async Task<string?> DiskShortfallAsync(NpgsqlDataSource dataSource, int listings, int days, CancellationToken cancellationToken)
    {
        const double BytesPerDayPerMillion = 0.85e9;
        await using var command = dataSource.CreateCommand("select current_setting('data_directory')");
        if (await command.ExecuteScalarAsync(cancellationToken) is not string directory || !Directory.Exists(directory))
        {
            return null;
        }

        var needed = (long)(BytesPerDayPerMillion * listings / 1_000_000 * days);
        var free = new DriveInfo(directory).AvailableFreeSpace;
        return free >= needed
            ? null
            : $"{days} days of {listings:N0} listings need about {needed / 1e9:F0} GB on PostgreSQL's disk ({directory}), and it has {free / 1e9:F0} GB free: free some, or ask for fewer --days.";
    }

    private static async Task<IReadOnlyList<StoredPage>> StoreDayAsync(RawZoneStore rawZone, SyntheticMarket market, int day, DateOnly date, string runId, CancellationToken cancellationToken)
    {
        var stored = new System.Collections.Concurrent.ConcurrentBag<StoredPage>();
        var fetchedAt = new DateTimeOffset(date.ToDateTime(new TimeOnly(4, 0)), TimeSpan.Zero);
        await Parallel.ForEachAsync(market.Pages(day), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (page, ct) =>
        {
            var address = new PageAddress("pt", "catalog", date, runId, $"catalog-{page.Catalog}", page.Page);
            stored.Add(await rawZone.WritePageAsync(
                new PageToStore(address, market.Write(page.Ids, day, page.Page, page.TotalEntries), SyntheticMarket.RequestUrl(page.Catalog, page.Page), 200, "application/json", fetchedAt, page.Ids.Length, null), ct));
        });
        await rawZone.WriteManifestAsync(runId, date, [.. stored], cancellationToken);
        return [.. stored];
    }

    /// <summary>
    /// The day before's raw pages and staging rows, no longer read once its mart is built: dropped for disk, outside the
    /// measured stages.
    /// </summary>
    private static async Task DropDayAsync(Amazon.S3.IAmazonS3 s3, string bucket, NpgsqlDataSource dataSource, IReadOnlyList<StoredPage> pages, string run, CancellationToken cancellationToken)
    {
        if (pages.Count == 0)
        {
            return;
        }

        await BenchmarkDatabase.DeleteObjectsAsync(s3, bucket, pages.Select(p => p.Key), cancellationToken);

        await using var truncate = dataSource.CreateCommand("select staging.prepare_run($1)");
        truncate.Parameters.Add(new NpgsqlParameter { Value = run });
        await truncate.ExecuteNonQueryAsync(cancellationToken);
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
            _ = market.Write(page.Ids, 1, page.Page, page.TotalEntries);
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
                var prepared = ObservationWriter.Prepare(stored, market.Write(page.Ids, 1, page.Page, page.TotalEntries));
                ObservationWriter.Write(importer, "plain", date, prepared);
                rows += prepared.Load.Rows;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        return (rows, watch.Elapsed - generate.Elapsed);
    }

    private sealed record DayFigures(int Day, int Pages, TimeSpan Ingest, StageResult Staged, NormalizeResult Normalized, MartResult Built, long PeakAfterLoad);
}
