using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Testing;
using Vinted.Lake;
using Vinted.ObjectStore;
using Vinted.Pipeline.Models;
using Vinted.Simulator;
using static Vinted.Testing.WarehouseTestBed;

namespace Vinted.Lake.Tests;

/// <summary>
/// The lake after daily runs and a backfill, read back by an independent reader (DuckDB, through the manifests) and
/// compared row by row and aggregate by aggregate with the mart in PostgreSQL.
/// </summary>
public sealed class LakeTests
{
    private static readonly LakeTable Daily = LakeTable.Facts[0];

    /// <summary>The same aggregates in both engines' SQL: {0} is the table (or the lake's reader).</summary>
    private static readonly string[] Aggregates =
    [
        """
        select snapshot_date, domain, currency, count(*), count(distinct item_id), sum(price), sum(previous_price),
               sum(case when is_new then 1 else 0 end), sum(case when price_dropped then 1 else 0 end), sum(favourite_count), count(seller_id)
        from {0} group by snapshot_date, domain, currency
        """,
        """
        select vanished_on, domain, count(*), sum(days_first_seen_to_vanished), sum(days_listed_to_vanished), sum(last_price), min(listed_at), max(listed_at)
        from {0} group by vanished_on, domain
        """,
        """
        select out_of_view_on, domain, count(*), sum(last_price), min(last_seen), max(last_seen) from {0} group by out_of_view_on, domain
        """,
    ];

    /// <summary>On each store: on Blob, the whole pipeline (raw zone, staging, lake, registry) runs on Azurite.</summary>
    [Theory]
    [InlineData(ObjectStoreProvider.S3)]
    [InlineData(ObjectStoreProvider.AzureBlob)]
    public async Task Lake_DailyRunsALateDayAndABackfill_DuckDbReadsEveryRowAndAggregateThatPostgreSqlHolds(ObjectStoreProvider provider)
    {
        await using var host = await PipelineHost.StartAsync(
            $"{nameof(LakeTests)}_{provider}", new SimulatorOptions { Listings = 20_000, Date = Day1, MaxReachableResults = 2_000 }, LocalStack.Instance.StoreArguments(provider));
        // Day 2 comes late: its mart build rebuilds day 3, and the lake write rewrites both.
        foreach (var day in new[] { Day1, Day3, Day2 })
        {
            host.Simulator.State.Date = day;
            var run = await host.RunAsync(new PipelineInput { Date = day, Searches = BackfillSearches, Trigger = "test" });
            RunAssert.Completed(run);
        }

        var store = host.Services.GetRequiredService<LakeStore>();
        var beforeBackfill = await PartKeysAsync(store);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Backfill", new BackfillInput(Day2, Day2, "test"));
        RunAssert.Completed(await host.Client.WaitForFinishAsync(id, TimeSpan.FromMinutes(3)));
        var afterBackfill = await PartKeysAsync(store);

        // The backfill rewrote its day's partition (a new part) and left the day before it alone.
        Assert.NotEqual(beforeBackfill[(Daily.Name, "2026-10-02")], afterBackfill[(Daily.Name, "2026-10-02")]);
        Assert.Equal(beforeBackfill[(Daily.Name, "2026-10-01")], afterBackfill[(Daily.Name, "2026-10-01")]);

        // Every partition's folder holds exactly the part its manifest lists: superseded parts are gone.
        foreach (var ((table, value), key) in afterBackfill)
        {
            var lakeTable = LakeTable.All.Single(t => t.Name == table);
            var folder = store.Keys.Partition(lakeTable, value is null ? null : DateOnly.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal([key], await store.ListPartsAsync(folder, CancellationToken.None));
        }

        using var lake = await LakeReader.DownloadAsync(store, LakeTable.All);
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        Assert.Equal(["2026-10-01", "2026-10-02", "2026-10-03"], lake.Manifests[Daily.Name].Partitions.Select(p => p.Value));
        Assert.True(await CountAsync(dataSource, "select count(*) from mart.fact_listing_vanished") > 0, "listings vanish over the days");
        Assert.True(await CountAsync(dataSource, "select count(*) from mart.fact_listing_out_of_view") > 0, "the capped search pushes listings out of view");
        foreach (var table in LakeTable.All)
        {
            var manifest = lake.Manifests[table.Name];
            var columns = string.Join(", ", (manifest.Partition is { } partition ? [partition.Name] : Array.Empty<string>()).Concat(manifest.Columns.Select(c => c.Name)));
            var expected = await PostgresRowsAsync(dataSource, $"select {columns} from mart.{table.Name}");
            var actual = lake.Rows($"select {columns} from {lake.From(table.Name)}");

            Assert.Equal(expected.Count, manifest.Rows);
            Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        }

        foreach (var (sql, table) in Aggregates.Zip(LakeTable.Facts))
        {
            var expected = await PostgresRowsAsync(dataSource, string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, $"mart.{table.Name}"));
            var actual = lake.Rows(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, lake.From(table.Name)));

            Assert.NotEmpty(expected);
            Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>The one part of every partition of every table, by table and partition value.</summary>
    private static async Task<Dictionary<(string Table, string? Value), string>> PartKeysAsync(LakeStore store)
    {
        var keys = new Dictionary<(string, string?), string>();
        foreach (var table in LakeTable.All)
        {
            var manifest = await store.ReadManifestAsync(table, CancellationToken.None);
            Assert.NotNull(manifest);
            foreach (var partition in manifest.Partitions)
            {
                keys[(table.Name, partition.Value)] = Assert.Single(partition.Files).Key;
            }
        }

        return keys;
    }

    private static async Task<List<string>> PostgresRowsAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        return RowText.ReadAll(reader);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
