using Vinted.Testing;
using static Vinted.Testing.WarehouseTestBed;

namespace Vinted.Warehouse.Tests;

/// <summary>Activities are at-least-once: running any warehouse step again leaves every table exactly as it was.</summary>
public sealed class WarehouseIdempotencyTests : IAsyncLifetime
{
    private WarehouseTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await WarehouseTestBed.CreateAsync(nameof(WarehouseIdempotencyTests));
        await _bed.IngestAsync(Day1);
        await _bed.IngestAsync(Day2);
        await _bed.RunPipelineAsync(Day1);
        await _bed.RunPipelineAsync(Day2);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task EveryStep_RunAgainForEachDay_SameRowCountsAndChecksums()
    {
        var before = await _bed.ChecksumsAsync();
        Assert.Contains(before, t => t.Key == "core.item" && !t.Value.StartsWith("0:", StringComparison.Ordinal));

        // The latest day's steps one by one, then the whole older day again after the newer one.
        await _bed.Loader.LoadAsync(RunId(Day2), Day2, CancellationToken.None);
        Assert.Equal(before, await _bed.ChecksumsAsync());
        await _bed.Normalizer.NormalizeAsync(RunId(Day2), CancellationToken.None);
        Assert.Equal(before, await _bed.ChecksumsAsync());
        await _bed.Mart.BuildAsync(RunId(Day2), CancellationToken.None);
        Assert.Equal(before, await _bed.ChecksumsAsync());
        await _bed.RunPipelineAsync(Day1);
        Assert.Equal(before, await _bed.ChecksumsAsync());
        await _bed.Mart.BuildAsync(RunId(Day2), CancellationToken.None);
        Assert.Equal(before, await _bed.ChecksumsAsync());
    }

    [Fact]
    public async Task BuildAsync_AfterABuildStoppedWithItsFactsAndFeaturesHalfDone_SameTables()
    {
        var before = await _bed.ChecksumsAsync();
        // What a build stopped by a crash leaves of each table built beside it: the table its rows were being written
        // into, and a day's sealed table that the stopped transaction never attached, each with rows that are not the day's.
        var day = Day2.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var parent in new[] { "fact_listing_daily", "fact_listing_features" })
        {
            await using var leftovers = _bed.DataSource.CreateCommand(
                $"""
                create table mart.{parent}_build (like mart.{parent} including defaults);
                insert into mart.{parent}_build select * from mart.{parent} where snapshot_date = '{Day1:yyyy-MM-dd}' limit 5;
                create table mart.{parent}_build_{day} (like mart.{parent} including defaults);
                insert into mart.{parent}_build_{day} select * from mart.{parent} where snapshot_date = '{Day2:yyyy-MM-dd}' limit 5;
                update mart.{parent}_build_{day} set price = price + 1;
                alter table mart.{parent}_build_{day} add constraint {parent}_build_{day}_pkey primary key (snapshot_date, domain, item_id);
                """);
            await leftovers.ExecuteNonQueryAsync();
        }

        await _bed.Mart.BuildAsync(RunId(Day2), CancellationToken.None);

        // The checksums list every mart table: a build table left behind would be one more.
        Assert.Equal(before, await _bed.ChecksumsAsync());
    }

    [Fact]
    public async Task LoadAsync_TwoLoadsAtOnce_RunRowsNotDuplicated()
    {
        var rows = await _bed.ScalarAsync("select count(*) from staging.item_observation where run_id = $1", RunId(Day1));

        await Task.WhenAll(
            _bed.Loader.LoadAsync(RunId(Day1), Day1, CancellationToken.None),
            _bed.Loader.LoadAsync(RunId(Day1), Day1, CancellationToken.None));

        Assert.Equal(rows, await _bed.ScalarAsync("select count(*) from staging.item_observation where run_id = $1", RunId(Day1)));
    }
}
