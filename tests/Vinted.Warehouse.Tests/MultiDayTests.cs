using System.Text.Json;
using Vinted.Api.Models;
using Vinted.RawZone;
using Vinted.Simulator.Market;
using Vinted.Warehouse.Options;
using Vinted.Testing;
using static Vinted.Testing.WarehouseTestBed;

namespace Vinted.Warehouse.Tests;

/// <summary>
/// The warehouse over several simulated days of a market that evolves (listings arrive, sell, drop their prices and are
/// pushed down by newer ones), checked against the simulator's ground truth of which is which.
/// </summary>
public sealed class MultiDayTests
{
    private static readonly DateOnly[] Days = [Day1, Day2, Day3];

    [Fact]
    public async Task CappedSearch_NothingSells_NoVanishedListingAndOutOfViewExactlyThePushedOut()
    {
        await using var bed = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_capped", s =>
        {
            s.SoldFraction = 0;
            s.MaxReachableResults = 192;
        });
        var capped = VintedSearch.Catalog("pt") with { PerPage = 48 };
        bed.Searches = [capped];
        foreach (var day in Days)
        {
            await bed.IngestAsync(day);
            await bed.RunPipelineAsync(day);
        }

        Assert.Equal(0, await bed.ScalarAsync("select count(*) from staging.run_scope where complete"));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from core.item_vanish"));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from mart.fact_listing_vanished"));
        Assert.Equal(0, await bed.ScalarAsync("select coalesce(sum(vanished_listings), 0) from mart.agg_daily_brand_catalog"));
        foreach (var (from, to) in Days.Zip(Days.Skip(1)))
        {
            var changes = bed.Simulator.Marketplace.Changes(from, to, capped);
            Assert.Empty(changes.Sold);
            Assert.NotEmpty(changes.PushedOut);
            Assert.NotEmpty(changes.PriceDropped.Concat(changes.Listed));
            Assert.Equal(changes.PushedOut.Order().ToList(), await IdsAsync(bed, "select item_id from mart.fact_listing_out_of_view where out_of_view_on = $1", to));
            Assert.Equal(changes.PushedOut.Count, await bed.ScalarAsync("select sum(out_of_view_listings) from mart.agg_daily_brand_catalog where snapshot_date = $1", to));
        }
    }

    [Fact]
    public async Task CompleteAndCappedSearches_WithSales_VanishedExactlyTheSoldOfCompleteScopes()
    {
        await using var bed = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_sales", s => s.MaxReachableResults = 2_000);
        var capped = VintedSearch.Catalog("pt");
        var complete = VintedSearch.Catalog("pt") with { CatalogIds = [1206] };
        bed.Searches = [capped, complete];
        Assert.True(bed.Simulator.Marketplace.GroundTruth(Day1, complete).TotalEntries < 2_000, "the narrow search must fit the reachable results");
        foreach (var day in Days)
        {
            await bed.IngestAsync(day);
            await bed.RunPipelineAsync(day);
        }

        Assert.Equal(3, await bed.ScalarAsync("select count(*) from staging.run_scope where complete"));
        foreach (var (from, to) in Days.Zip(Days.Skip(1)))
        {
            var sold = bed.Simulator.Marketplace.Changes(from, to, complete).Sold;
            Assert.NotEmpty(sold);
            Assert.Equal(sold.Order().ToList(), await IdsAsync(bed, "select item_id from mart.fact_listing_vanished where vanished_on = $1", to));

            // What left only the capped search, sold or pushed down, is out of view: the warehouse cannot tell which.
            var cappedChanges = bed.Simulator.Marketplace.Changes(from, to, capped);
            var seenToday = bed.Simulator.Marketplace.GroundTruth(to, complete).Listings.Select(l => l.Id).ToHashSet();
            var expectedOutOfView = cappedChanges.Sold.Concat(cappedChanges.PushedOut).Except(sold).Where(id => !seenToday.Contains(id)).Order().ToList();
            Assert.NotEmpty(expectedOutOfView);
            Assert.Equal(expectedOutOfView, await IdsAsync(bed, "select item_id from mart.fact_listing_out_of_view where out_of_view_on = $1", to));
        }
    }

    [Fact]
    public async Task Normalize_DaysOutOfOrder_SameTablesAsInOrder()
    {
        await using var inOrder = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_in_order", s => s.MaxReachableResults = 2_000);
        await using var outOfOrder = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_out_of_order", s => s.MaxReachableResults = 2_000);
        foreach (var bed in new[] { inOrder, outOfOrder })
        {
            bed.Searches = [VintedSearch.Catalog("pt"), .. bed.Searches];
            foreach (var day in Days)
            {
                await bed.IngestAsync(day);
            }
        }

        foreach (var day in new[] { Day1, Day2, Day3 })
        {
            await inOrder.RunPipelineAsync(day);
        }

        foreach (var day in new[] { Day1, Day3, Day2 })
        {
            await outOfOrder.RunPipelineAsync(day);
        }

        var expected = await inOrder.ChecksumsAsync("core", "mart");
        Assert.True(await inOrder.ScalarAsync("select count(*) from core.item_price_history where valid_to is not null") > 0, "prices change and listings vanish over the days");
        Assert.True(await inOrder.ScalarAsync("select count(*) from core.item_vanish") > 0);
        Assert.Equal(expected, await outOfOrder.ChecksumsAsync("core", "mart"));
    }

    [Fact]
    public async Task PreviousPrice_CurrencyChangedForADay_IsTheLastEarlierPriceInTheSameCurrency()
    {
        await using var bed = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_currency");
        var everyDay = Days.Select(d => bed.GroundTruth(d).Select(x => x.Listing.Id).ToHashSet())
            .Aggregate((a, b) => { a.IntersectWith(b); return a; });
        var changed = everyDay.Order().Take(5).ToArray();
        Assert.Equal(5, changed.Length);
        foreach (var day in Days)
        {
            await bed.IngestAsync(day);
            await bed.Loader.LoadAsync(RunId(day), day, CancellationToken.None);
            if (day == Day2)
            {
                // Priced in another currency on day 2 only: day 3's price before it is day 1's, not day 2's.
                Assert.True(await bed.ScalarAsync(
                    "with u as (update staging.item_observation set currency = 'PLN', price = price * 4 where run_id = $1 and item_id = any($2) returning 1) select count(*) from u",
                    RunId(day), changed) >= changed.Length);
            }

            await bed.Normalizer.NormalizeAsync(RunId(day), CancellationToken.None);
            await bed.Mart.BuildAsync(RunId(day), CancellationToken.None);
        }

        Assert.Equal(0, await bed.ScalarAsync("""
            select count(*) from (
                select previous_price, lag(price) over (partition by domain, item_id, currency order by observed_date) as expected
                from core.item_sighting) s
            where previous_price is distinct from expected
            """));
        Assert.Equal(changed.Length, await bed.ScalarAsync("""
            select count(*) from core.item_sighting d3
            join core.item_sighting d1 on d1.domain = d3.domain and d1.item_id = d3.item_id and d1.observed_date = $1
            join core.item_sighting d2 on d2.domain = d3.domain and d2.item_id = d3.item_id and d2.observed_date = $2
            where d3.observed_date = $3 and d3.item_id = any($4)
              and d2.currency = 'PLN' and d2.previous_price is null and d3.currency = d1.currency and d3.previous_price = d1.price
            """, Day1, Day2, Day3, changed));
    }

    [Fact]
    public async Task SecondRunOfADate_SupersedesTheFirst()
    {
        await using var bed = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_second_run");
        await bed.IngestAsync(Day1);
        await bed.RunPipelineAsync(Day1);
        await bed.IngestAsync(Day2, run: "first");
        await bed.RunPipelineAsync(Day2, "first");
        // The second run of the day fetched one search less: what only the first run saw is no longer of that day.
        var dropped = bed.Searches[1];
        bed.Searches = [.. bed.Searches.Where(s => s != dropped)];
        await bed.IngestAsync(Day2, run: "second");
        await bed.RunPipelineAsync(Day2, "second");

        Assert.Equal(0, await bed.ScalarAsync("select count(*) from core.item_sighting where observed_date = $1 and run_id <> 'second'", Day2));
        Assert.Equal(
            await bed.ScalarAsync("select count(*) from (select distinct domain, item_id from staging.item_observation where run_id = 'second') d"),
            await bed.ScalarAsync("select count(*) from mart.fact_listing_daily where snapshot_date = $1", Day2));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from mart.fact_listing_daily where snapshot_date = $1 and run_id <> 'second'", Day2));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from core.scope_run where observed_date = $1 and search_key = $2", Day2, dropped.Key));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from core.item where last_seen = $1 and last_run_id <> 'second'", Day2));
        Assert.Equal(0, await bed.ScalarAsync(
            "select count(*) from core.item_price_history h where h.valid_from = $1 and not exists (select 1 from core.item_sighting s where s.observed_date = $1 and s.domain = h.domain and s.item_id = h.item_id)",
            Day2));

        // The listings only the first run saw are gone with their photos; every listing still counts exactly its photos.
        Assert.Equal(0, await bed.ScalarAsync(
            "select count(*) from core.photo p where not exists (select 1 from core.item_attributes a where a.domain = p.domain and a.item_id = p.item_id)"));
        Assert.Equal(0, await bed.ScalarAsync(
            """
            select count(*) from core.item_attributes a
            where a.photo_count <> (select count(*) from core.photo p where p.domain = a.domain and p.item_id = a.item_id)
            """));
    }

    [Fact]
    public async Task Sightings_DaysAcrossAMonthEnd_LandInTheirMonthsPartitionsAndARerunTouchesOnlyItsMonth()
    {
        var october = new DateOnly(2026, 10, 31);
        var november = new DateOnly(2026, 11, 1);
        await using var bed = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_months");
        foreach (var day in new[] { october, november })
        {
            await bed.IngestAsync(day, run: $"first-{day:MMdd}");
            await bed.RunPipelineAsync(day, $"first-{day:MMdd}");
        }

        var novemberRows = await bed.ScalarAsync("select count(*) from core.item_sighting_202611");
        Assert.True(novemberRows > 0);
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from core.item_sighting_202610 where observed_date <> $1", october));
        Assert.Equal(0, await bed.ScalarAsync("select count(*) from core.item_sighting_202611 where observed_date <> $1", november));
        var novemberScopeListings = await bed.ScalarAsync("select sum(cardinality(item_ids)) from core.scope_listing_set where observed_date = $1", november);
        Assert.True(novemberScopeListings > 0);
        Assert.Equal(2, await bed.ScalarAsync(
            "select count(*) from pg_partition_tree('core.item_sighting') where isleaf and relid::text in ('core.item_sighting_202610', 'core.item_sighting_202611')"));

        await bed.IngestAsync(october, run: "second");
        await bed.RunPipelineAsync(october, "second");

        Assert.Equal(0, await bed.ScalarAsync("select count(*) from core.item_sighting_202610 where run_id <> 'second'"));
        Assert.Equal(novemberRows, await bed.ScalarAsync("select count(*) from core.item_sighting_202611 where run_id = 'first-1101'"));
        // The rerun's scopes hold the listings it staged as results (promoted cards are not), the other month's as before.
        Assert.Equal(
            await bed.ScalarAsync("select count(*) from (select distinct domain, search_key, item_id from staging.item_observation where run_id = 'second' and not promoted) r"),
            await bed.ScalarAsync("select sum(cardinality(item_ids)) from core.scope_listing_set where observed_date = $1", october));
        Assert.Equal(novemberScopeListings, await bed.ScalarAsync("select sum(cardinality(item_ids)) from core.scope_listing_set where observed_date = $1", november));
    }

    [Fact]
    public async Task NextDay_PhotoMovedBackAndPhotoSeenAnew_EachListingsPhotoCountIsItsPhotos()
    {
        await using var bed = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_photos");
        await bed.IngestAsync(Day1);
        await bed.RunPipelineAsync(Day1);

        // Three of day 1's photos that day 2's staged observations show on the same listings: one is made another's (as
        // if it had moved there), one is forgotten, each listing's count following as normalize would have left it.
        // Normalizing day 2 then moves the first back and adds the second again.
        await bed.IngestAsync(Day2);
        await bed.Loader.LoadAsync(RunId(Day2), Day2, CancellationToken.None);
        var photos = await bed.QueryAsync(
            """
            select p.domain, p.photo_id, p.item_id
            from core.photo p
            join staging.item_observation o on o.domain = p.domain and o.photo_id = p.photo_id and o.item_id = p.item_id
            where o.run_id = $1
            order by p.domain, p.photo_id limit 3
            """,
            r => (Domain: r.GetString(0), PhotoId: r.GetInt64(1), ItemId: r.GetInt64(2)), RunId(Day2));
        Assert.Equal(3, photos.Count);
        var (moved, other, forgotten) = (photos[0], photos[1], photos[2]);
        var changed = await bed.QueryAsync(
            """
            with m as (update core.photo set item_id = $3 where domain = $1 and photo_id = $2 returning 1),
                 f as (delete from core.photo where domain = $5 and photo_id = $6 returning 1),
                 c as (update core.item_attributes a set photo_count = a.photo_count + d.delta
                       from (values ($1, $4::bigint, -1), ($1, $3::bigint, 1), ($5, $7::bigint, -1)) d(domain, item_id, delta)
                       where a.domain = d.domain and a.item_id = d.item_id returning 1)
            select (select count(*) from m), (select count(*) from f), (select count(*) from c)
            """,
            r => (Moved: r.GetInt64(0), Forgotten: r.GetInt64(1), Counts: r.GetInt64(2)),
            moved.Domain, moved.PhotoId, other.ItemId, moved.ItemId, forgotten.Domain, forgotten.PhotoId, forgotten.ItemId);
        Assert.Equal((1L, 1L, 3L), changed.Single());

        await bed.Normalizer.NormalizeAsync(RunId(Day2), CancellationToken.None);
        await bed.Mart.BuildAsync(RunId(Day2), CancellationToken.None);

        Assert.Equal(moved.ItemId, await bed.ScalarAsync("select item_id from core.photo where domain = $1 and photo_id = $2", moved.Domain, moved.PhotoId));
        Assert.Equal(1, await bed.ScalarAsync("select count(*) from core.photo where domain = $1 and photo_id = $2", forgotten.Domain, forgotten.PhotoId));
        Assert.Equal(0, await bed.ScalarAsync(
            """
            select count(*) from core.item_attributes a
            where a.photo_count <> (select count(*) from core.photo p where p.domain = a.domain and p.item_id = a.item_id)
            """));
        Assert.Equal(0, await bed.ScalarAsync(
            "select count(*) from mart.fact_listing_features f join core.item_attributes a using (domain, item_id) where f.photo_count <> a.photo_count and f.snapshot_date = $1", Day2));
    }

    [Fact]
    public async Task NextDay_ListingsSeenAgainUnchanged_OnlyTheirNarrowStateIsRewritten()
    {
        await using var bed = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_unchanged");
        await bed.IngestAsync(Day1);
        await bed.RunPipelineAsync(Day1);
        // xmin is the transaction that wrote a row version: unchanged when the row was not rewritten.
        await using (var snapshot = bed.DataSource.CreateCommand("create table public.day1_versions as select domain, item_id, xmin::text as attributes_xmin from core.item_attributes"))
        {
            await snapshot.ExecuteNonQueryAsync();
        }

        await bed.IngestAsync(Day2);
        await bed.RunPipelineAsync(Day2);

        var seenAgain = await bed.ScalarAsync(
            "select count(*) from public.day1_versions d join core.item i using (domain, item_id) where i.last_seen = $1", Day2);
        Assert.True(seenAgain > 0, "the market keeps most listings from one day to the next");
        Assert.Equal(0, await bed.ScalarAsync(
            "select count(*) from public.day1_versions d join core.item_attributes a using (domain, item_id) where a.xmin::text <> d.attributes_xmin"));
        Assert.Equal(seenAgain, await bed.ScalarAsync(
            "select count(*) from public.day1_versions d join core.item_state s using (domain, item_id) where s.last_seen = $1", Day2));
    }

    [Fact]
    public async Task MartBuild_DayPartitionFilled_IsAnalyzedBeforeItIsRead()
    {
        await using var bed = await WarehouseTestBed.CreateAsync($"{nameof(MultiDayTests)}_mart_statistics");
        await bed.IngestAsync(Day1);
        await bed.RunPipelineAsync(Day1);

        // reltuples stays -1 until the partition is analyzed: the planner then takes a 1,000,000-row day for a few
        // thousand rows and joins the features by nested loops (issue 21). ANALYZE writes pg_class in its transaction,
        // so the figure is there once the build commits.
        var facts = await bed.ScalarAsync("select count(*) from mart.fact_listing_daily where snapshot_date = $1", Day1);
        var estimated = await bed.ScalarAsync("select reltuples::bigint from pg_class where oid = 'mart.fact_listing_daily_20261001'::regclass");
        Assert.True(facts > 0, "the day has facts");
        Assert.Equal(facts, estimated);
    }

    [Fact]
    public async Task BadItemsAmongGoodOnes_RunCompletesWithRejectsRecordedAndTraceable()
    {
        const double fraction = 0.01;
        await using var bed = await WarehouseTestBed.CreateAsync(
            $"{nameof(MultiDayTests)}_bad_items",
            s => s.Faults = s.Faults with { BadItemFraction = fraction },
            new WarehouseOptions { MaxRejectShare = 0.05 });
        var pages = await bed.IngestAsync(Day1);
        await bed.RunPipelineAsync(Day1);

        var served = bed.GroundTruth(Day1).Select(x => (x.Listing.Id, Bad: BadItems.Of(42, x.Listing.Id, fraction))).ToList();
        var bad = served.Where(x => x.Bad != BadItem.None).ToList();
        Assert.Equal(4, bad.Select(x => x.Bad).Distinct().Count());
        var rejects = await bed.QueryAsync(
            "select s3_key, item_index, reason, raw from staging.item_reject where run_id = $1",
            r => (Key: r.GetString(0), Index: r.GetInt32(1), Reason: r.GetString(2), Raw: (byte[])r.GetValue(3)),
            RunId(Day1));
        Assert.Equal(bad.Count, rejects.Count);
        Assert.Equal(served.Count - bad.Count, await bed.ScalarAsync("select count(*) from staging.item_observation where run_id = $1", RunId(Day1)));
        Assert.Contains(rejects, r => r.Reason.StartsWith("item id is not", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Reason.StartsWith("price is not a decimal number: \"", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Reason.Contains("NUL", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Reason.Contains("surrogate", StringComparison.Ordinal) || r.Reason.Contains("Unicode", StringComparison.Ordinal));

        // Lineage: each reject's bytes are exactly its element of the stored raw object.
        foreach (var reject in rejects)
        {
            var page = pages.Single(p => p.Key == reject.Key);
            using var document = JsonDocument.Parse(await bed.RawZone.ReadPageAsync(page, CancellationToken.None));
            Assert.Equal(document.RootElement.GetProperty("items")[reject.Index].GetRawText(), System.Text.Encoding.UTF8.GetString(reject.Raw));
        }

        var checks = await bed.QueryAsync("select check_name, passed, blocking from quality.check_result", r => (r.GetString(0), r.GetBoolean(1), r.GetBoolean(2)));
        Assert.Contains(("no_rejects", false, false), checks);
        Assert.All(checks.Where(c => c.Item3), c => Assert.True(c.Item2, c.Item1));
        Assert.Equal(served.Select(x => x.Id).Distinct().Count() - bad.Select(x => x.Id).Distinct().Count(),
            await bed.ScalarAsync("select count(*) from mart.fact_listing_daily where snapshot_date = $1", Day1));
    }

    private static async Task<List<long>> IdsAsync(WarehouseTestBed bed, string sql, DateOnly date) =>
        (await bed.QueryAsync(sql, r => r.GetInt64(0), date)).Order().ToList();
}
