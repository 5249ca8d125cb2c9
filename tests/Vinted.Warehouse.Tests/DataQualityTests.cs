using Npgsql;
using Vinted.RawZone;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;
using Vinted.Testing;
using static Vinted.Testing.WarehouseTestBed;

namespace Vinted.Warehouse.Tests;

/// <summary>A failing blocking check stops the run with the check's name, and the mart is not refreshed from bad data.</summary>
public sealed class DataQualityTests : IAsyncLifetime
{
    private WarehouseTestBed _bed = null!;

    // xunit builds the class per test: each test starts from a freshly created, migrated database.
    public async Task InitializeAsync() => _bed = await WarehouseTestBed.CreateAsync(nameof(DataQualityTests));

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task LoadAsync_ManifestCountDisagrees_ThrowsNamingCheckAndMartNotBuilt()
    {
        var tampered = false;
        await _bed.IngestAsync(Day1, page =>
        {
            if (tampered || page.Quarantined)
            {
                return page;
            }

            tampered = true;
            return page with { ItemCount = page.ItemCount + 1 };
        });

        var failure = await Assert.ThrowsAsync<DataQualityException>(() => _bed.Loader.LoadAsync(RunId(Day1), Day1, CancellationToken.None));

        Assert.Contains("staging.row_count_matches_manifest", failure.Message, StringComparison.Ordinal);
        var check = Assert.Single(failure.Failed);
        Assert.Equal(check.Expected, check.Observed + 1);
        await AssertBlockedAsync();
    }

    [Fact]
    public async Task LoadAsync_EveryPriceNegative_RejectsAboveShareThrowAndMartNotBuilt()
    {
        var pages = await _bed.IngestAsync(Day1);
        // Rewrite every stored page with negative prices, as a changed API could send: every item is rejected.
        var rewritten = new List<StoredPage>();
        foreach (var page in pages)
        {
            var body = System.Text.Encoding.UTF8.GetString(await _bed.RawZone.ReadAsync(page.Key, CancellationToken.None));
            var bad = System.Text.RegularExpressions.Regex.Replace(body, "\"price\":(\\{\"amount\":\"|\")[0-9.]+", "\"price\":$1-3.0", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(5));
            rewritten.Add(await _bed.RawZone.WritePageAsync(
                new PageToStore(page.Address, System.Text.Encoding.UTF8.GetBytes(bad), page.RequestUrl, 200, "application/json", page.FetchedAt, page.ItemCount, null),
                CancellationToken.None));
        }

        await _bed.RawZone.WriteManifestAsync(RunId(Day1), Day1, rewritten, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<DataQualityException>(() => _bed.Loader.LoadAsync(RunId(Day1), Day1, CancellationToken.None));

        Assert.Equal(["rejects_within_share"], failure.Failed.Select(f => f.Name));
        Assert.Equal(pages.Sum(p => (long)p.ItemCount), await _bed.ScalarAsync("select count(*) from staging.item_reject where run_id = $1 and reason like 'price is not a decimal number%'", RunId(Day1)));
        await AssertBlockedAsync();
    }

    [Fact]
    public async Task LoadAsync_ManifestListsPageTwice_ThrowsNamingPageAndStagesNothing()
    {
        var pages = await _bed.IngestAsync(Day1);
        var twice = pages.First(p => !p.Quarantined && p.ItemCount > 0);
        await _bed.RawZone.WriteManifestAsync(RunId(Day1), Day1, [.. pages, twice], CancellationToken.None);

        var failure = await Assert.ThrowsAsync<DataQualityException>(() => _bed.Loader.LoadAsync(RunId(Day1), Day1, CancellationToken.None));

        Assert.Contains($"lists page '{twice.Key}' 2 times", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _bed.ScalarAsync("select count(*) from staging.item_observation where run_id = $1", RunId(Day1)));
        Assert.Equal(0, await _bed.ScalarAsync("select count(*) from staging.run where run_id = $1", RunId(Day1)));
    }

    [Fact]
    public async Task StagingChecks_ItemsStagedTwice_ObservationKeysUniqueCountsEachCopy()
    {
        await _bed.IngestAsync(Day1);
        await _bed.Loader.LoadAsync(RunId(Day1), Day1, CancellationToken.None);
        await using var connection = await _bed.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // Two items of the run staged a second time, one of them a third: three rows beyond the first of their key.
        await using (var copy = new NpgsqlCommand(
            """
            insert into staging.item_observation
            select o.* from staging.item_observation o
            cross join generate_series(1, 2) n
            where o.run_id = $1 and (o.item_index, o.page) in ((0, 1), (1, 1)) and (n = 1 or o.item_index = 0)
              and o.s3_key = (select min(s3_key) from staging.item_observation where run_id = $1 and page = 1)
            """, connection, transaction))
        {
            copy.Parameters.AddWithValue(RunId(Day1));
            Assert.Equal(3, await copy.ExecuteNonQueryAsync());
        }

        var results = await new QualityRunner(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new WarehouseOptions()))
            .EvaluateAsync(connection, transaction, RunId(Day1), Day1, WarehouseStage.Staging, CancellationToken.None);

        var keys = Assert.Single(results, r => r.Name == "observation_keys_unique");
        Assert.False(keys.Passed);
        Assert.Equal(3m, keys.Observed);
    }

    [Fact]
    public async Task LoadAsync_QuarantinedPageInManifest_NotLoadedAndChecksPass()
    {
        var pages = await _bed.IngestAsync(Day1, page => page.Address.Page == 1 && page.Address.Domain == "pl" ? page with { Problem = "test: quarantined" } : page);
        var skipped = pages.Where(p => p.Quarantined).Sum(p => p.ItemCount);

        var result = await _bed.Loader.LoadAsync(RunId(Day1), Day1, CancellationToken.None);

        Assert.True(skipped > 0);
        Assert.Equal(pages.Where(p => !p.Quarantined).Sum(p => (long)p.ItemCount), result.Rows);
        Assert.Equal(0, await _bed.ScalarAsync("select count(*) from staging.item_observation where run_id = $1 and domain = 'pl' and page = 1", RunId(Day1)));
    }

    [Fact]
    public async Task NormalizeAsync_RunNeverStaged_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _bed.Normalizer.NormalizeAsync("run-never-staged", CancellationToken.None));
    }

    [Fact]
    public async Task NormalizeAsync_ListingLeftWithTwoOpenPriceVersions_ThrowsNamingCheckAndRollsBack()
    {
        await _bed.IngestAsync(Day1);
        await _bed.RunPipelineAsync(Day1);
        await _bed.IngestAsync(Day2);
        await _bed.Loader.LoadAsync(RunId(Day2), Day2, CancellationToken.None);
        // A listing day 2 sees again at its price gets a second open version, as a faulty write could leave it: the
        // run's own writes close neither, so the check has to stop the run.
        Assert.Equal(1, await _bed.ScalarAsync(
            """
            with corrupt as (
                insert into core.item_price_history (domain, item_id, valid_from, price, currency, run_id)
                select h.domain, h.item_id, h.valid_from - 1, h.price, h.currency, h.run_id
                from core.item_price_history h
                join staging.item_observation o
                  on o.domain = h.domain and o.item_id = h.item_id and o.price = h.price and o.currency = h.currency
                where o.run_id = $1 and h.valid_to is null
                order by h.domain, h.item_id
                limit 1
                returning 1)
            select count(*) from corrupt
            """,
            RunId(Day2)));

        var failure = await Assert.ThrowsAsync<DataQualityException>(() => _bed.Normalizer.NormalizeAsync(RunId(Day2), CancellationToken.None));

        Assert.Equal(WarehouseStage.Normalize, failure.Stage);
        var check = Assert.Single(failure.Failed);
        Assert.Equal("one_open_price_version", check.Name);
        Assert.Equal(1m, check.Observed);
        Assert.Equal(0, await _bed.ScalarAsync("select count(*) from core.item_sighting where observed_date = $1", Day2));
        Assert.Equal(1, await _bed.ScalarAsync("select count(*) from quality.check_result where run_id = $1 and stage = 'normalize' and not passed", RunId(Day2)));
    }

    [Fact]
    public async Task BuildAsync_FactsNotMatchingTheSightings_ThrowsNamingCheckAndLeavesTheMartAsItWas()
    {
        await _bed.IngestAsync(Day1);
        await _bed.RunPipelineAsync(Day1);
        var before = await _bed.ChecksumsAsync("mart");
        // A sighting of the date whose listing has no attributes: the facts, built beside the build's transaction and
        // attached by it, cannot hold it.
        Assert.Equal(1, await _bed.ScalarAsync(
            """
            with extra as (
                insert into core.item_sighting
                select (jsonb_populate_record(null::core.item_sighting, to_jsonb(s) || jsonb_build_object('item_id', -1))).*
                from core.item_sighting s
                where s.observed_date = $1
                limit 1
                returning 1)
            select count(*) from extra
            """,
            Day1));

        var failure = await Assert.ThrowsAsync<DataQualityException>(() => _bed.Mart.BuildAsync(RunId(Day1), CancellationToken.None));

        Assert.Equal(WarehouseStage.Mart, failure.Stage);
        Assert.Contains(failure.Failed, c => c.Name == "facts_match_sightings");
        // The day's facts and features as the last build left them, and no table of the failed build's left behind.
        Assert.Equal(before, await _bed.ChecksumsAsync("mart"));
    }

    private async Task AssertBlockedAsync()
    {
        var normalize = await Assert.ThrowsAsync<DataQualityException>(() => _bed.Normalizer.NormalizeAsync(RunId(Day1), CancellationToken.None));
        Assert.Equal(WarehouseStage.Staging, normalize.Stage);
        await Assert.ThrowsAsync<DataQualityException>(() => _bed.Mart.BuildAsync(RunId(Day1), CancellationToken.None));
        Assert.Equal(0, await _bed.ScalarAsync("select count(*) from mart.fact_listing_daily"));
        Assert.Equal(0, await _bed.ScalarAsync("select count(*) from core.item_sighting"));
        Assert.Equal(1, await _bed.ScalarAsync("select count(*) from quality.check_result where stage = 'staging' and not passed and blocking"));
    }
}
