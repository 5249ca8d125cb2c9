using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Platform.Postgres;
using Vinted.Testing;
using Vinted.Lake;
using Vinted.ObjectStore;
using Vinted.Warehouse;

namespace Vinted.Benchmarks;

/// <summary>
/// The lake: a day of --listings listings (default 1,000,000) written from the mart to S3 as Parquet (seconds, the
/// process's peak memory, bytes on S3 against the day's PostgreSQL partition), then --days days (default 30) in the lake
/// and the same month-long query in DuckDB over the files and in PostgreSQL over the mart (their answers must agree). The
/// mart days are synthetic rows made in SQL (Sql/lake_mart_day.sql), shaped like the pipeline's: what is measured is the
/// lake, not the warehouse before it (<c>bench warehouse</c> measures that).
/// </summary>
internal sealed class LakeBenchmark : IBenchmark
{
    public string Name => "lake";

    public string Description =>
        "a mart day written as Parquet to S3 (s, peak memory, bytes vs PostgreSQL), a month-long query in DuckDB vs PostgreSQL (--listings 1000000 --days 30 --row-group 100000 --level Optimal|Fastest|SmallestSize)";

    public async Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken)
    {
        var listings = arguments.Int("listings", 1_000_000);
        var dayCount = arguments.Int("days", 30);
        var rowGroup = arguments.Int("row-group", 100_000);
        var level = Enum.Parse<System.IO.Compression.CompressionLevel>(arguments.Text("level", nameof(System.IO.Compression.CompressionLevel.Optimal)), ignoreCase: true);
        var first = new DateOnly(2026, 10, 1);
        var days = Enumerable.Range(0, dayCount).Select(first.AddDays).ToList();
        await using var dataSource = NpgsqlDataSource.Create(await BenchmarkDatabase.CreateAsync("bench_lake"));
        await new SqlMigrator(dataSource, NullLogger<SqlMigrator>.Instance).MigrateAsync(typeof(WarehouseServiceCollectionExtensions).Assembly, "warehouse", cancellationToken);
        var s3Options = BenchmarkDatabase.S3($"bench/lake/{Guid.NewGuid():N}");
        using var objects = ObjectStoreServiceCollectionExtensions.CreateObjectStore(s3Options);
        var store = new LakeStore(objects);
        var writer = new LakeWriter(dataSource, store, Options.Create(new LakeOptions { RowGroupRows = rowGroup, CompressionLevel = level }), TimeProvider.System, NullLogger<LakeWriter>.Instance);
        Console.WriteLine(
            $"lake benchmark: {listings:N0} listings a day, {dayCount} days, row groups of {rowGroup:N0} rows, zstd ({level}); {Environment.ProcessorCount} cores; " +
            "PostgreSQL and the S3 server on this machine; synthetic mart rows made in SQL");

        var fill = Stopwatch.StartNew();
        foreach (var (date, n) in days.Select((d, n) => (d, n)))
        {
            await using var command = dataSource.CreateCommand(BenchmarkSql.Scripts["lake_mart_day"]);
            command.CommandTimeout = 3600;
            command.Parameters.AddWithValue("day", date);
            command.Parameters.AddWithValue("day_number", n);
            command.Parameters.AddWithValue("listings", listings);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var analyze = dataSource.CreateCommand("analyze mart.fact_listing_daily"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        Console.WriteLine($"mart filled: {dayCount} days in {fill.Elapsed.TotalSeconds:F1} s (not part of the figures)");

        // One day, as the pipeline's WriteLake writes it after the mart stage.
        var last = days[^1];
        var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        // Twice: the first write pays for JIT compilation and first connections; the second is a replay of the same day.
        var cold = Stopwatch.StartNew();
        await writer.WriteAsync([last], cancellationToken, dimensions: false);
        cold.Stop();
        var one = Stopwatch.StartNew();
        var day = await writer.WriteAsync([last], cancellationToken, dimensions: false);
        one.Stop();
        var written = day.Writes.Single(w => w.Table == "fact_listing_daily");
        using var process = Process.GetCurrentProcess();
        var (heap, total) = await PartitionSizeAsync(dataSource, last, cancellationToken);
        Console.WriteLine(
            $"one day: {written.Rows:N0} rows of fact_listing_daily written as Parquet in {one.Elapsed.TotalSeconds:F1} s ({written.Rows / one.Elapsed.TotalSeconds:N0} rows/s; " +
            $"with the day's vanished and out-of-view partitions, read from PostgreSQL to the manifest's switch); first write, with JIT: {cold.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"  peak working set {process.PeakWorkingSet64 / 1024 / 1024:N0} MiB (before the write {peakBefore / 1024 / 1024:N0} MiB); {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024 / 1024:N0} MiB allocated in all by both writes");
        Console.WriteLine($"  bytes: Parquet on S3 {Mib(written.Bytes)} vs the PostgreSQL partition {Mib(heap)} (table) / {Mib(total)} (with its index and TOAST)");

        // The rest of the month, then the same query in both engines.
        var month = Stopwatch.StartNew();
        var rest = await writer.WriteAsync([.. days.Take(dayCount - 1)], cancellationToken);
        Console.WriteLine($"the other {dayCount - 1} days and the dimensions written in {month.Elapsed.TotalSeconds:F1} s; lake total {Mib(rest.Bytes + day.Bytes)}");

        var download = Stopwatch.StartNew();
        using var lake = await LakeReader.DownloadAsync(store, [LakeTable.Facts[0]]);
        Console.WriteLine($"lake downloaded from the S3 server to a local folder for DuckDB in {download.Elapsed.TotalSeconds:F1} s (not part of the query time)");

        var query = BenchmarkSql.Scripts["lake_month_query"];
        var (postgres, postgresRows) = await TimeAsync(3, async () =>
        {
            await using var command = dataSource.CreateCommand(string.Format(CultureInfo.InvariantCulture, query, "mart.fact_listing_daily", "@from", "@to"));
            command.CommandTimeout = 3600;
            command.Parameters.AddWithValue("from", days[0]);
            command.Parameters.AddWithValue("to", last);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return RowText.ReadAll(reader);
        });
        var from = lake.From("fact_listing_daily");
        var (duckDb, duckDbRows) = await TimeAsync(3, () => Task.FromResult(
            lake.Rows(string.Format(CultureInfo.InvariantCulture, query, from, "$from", "$to"), ("from", days[0]), ("to", last))));
        Console.WriteLine($"month-long query ({dayCount} days, {(long)listings * dayCount:N0} rows; per domain and brand: count, count distinct, sum, price drops), best of 3 (first run):");
        Console.WriteLine($"  PostgreSQL {postgres.Best.TotalSeconds:F2} s ({postgres.First.TotalSeconds:F2} s)");
        Console.WriteLine($"  DuckDB     {duckDb.Best.TotalSeconds:F2} s ({duckDb.First.TotalSeconds:F2} s) over the local Parquet files");
        var same = postgresRows.SequenceEqual(duckDbRows);
        Console.WriteLine(same ? $"  the answers agree ({postgresRows.Count} rows)" : "  THE ANSWERS DIFFER");
        return same ? 0 : 1;
    }

    private static async Task<((TimeSpan First, TimeSpan Best) Times, List<string> Rows)> TimeAsync(int runs, Func<Task<List<string>>> run)
    {
        var times = new List<TimeSpan>();
        List<string> rows = [];
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            rows = await run();
            times.Add(watch.Elapsed);
        }

        return ((times[0], times.Min()), rows);
    }

    private static async Task<(long Heap, long Total)> PartitionSizeAsync(NpgsqlDataSource dataSource, DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select pg_relation_size(p), pg_total_relation_size(p) from (select to_regclass('mart.fact_listing_daily_' || to_char(@day, 'YYYYMMDD')) as p) as partition");
        command.Parameters.AddWithValue("day", day);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static string Mib(long bytes) => bytes < 1024 * 1024 ? $"{bytes / 1024.0:N1} KiB" : $"{bytes / 1024.0 / 1024.0:N1} MiB";
}
