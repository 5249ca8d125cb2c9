using System.Globalization;
using System.Text.Json;
using Vinted.Api.Models;
using Vinted.Simulator.Market;
using Vinted.Testing;
using static Vinted.Testing.WarehouseTestBed;

namespace Vinted.Warehouse.Tests;

/// <summary>
/// Two consecutive simulated days fetched over HTTP, stored in the raw zone, staged, normalized and built into the
/// mart: counts and values at every layer equal the simulator's ground truth.
/// </summary>
public sealed class WarehouseGroundTruthTests(GroundTruthPipelineFixture fixture) : IClassFixture<GroundTruthPipelineFixture>
{
    private readonly WarehouseTestBed _bed = fixture.Bed;

    [Theory]
    [InlineData("2026-10-01")]
    [InlineData("2026-10-02")]
    public async Task LoadAsync_SimulatedDay_OneStagingRowPerGroundTruthObservationWithItsValues(string day)
    {
        var date = DateOnly.Parse(day, CultureInfo.InvariantCulture);
        var expected = _bed.GroundTruth(date)
            .Select(x => Row(x.Search.Key, x.Listing.Id, x.Listing.Title, x.Listing.Price, x.Listing.Currency, x.Listing.BrandTitle,
                string.IsNullOrEmpty(x.Listing.SizeTitle) ? null : x.Listing.SizeTitle, x.Listing.Status, x.Listing.CatalogId, x.Listing.SellerId, x.Listing.SellerLogin, x.Listing.PhotoId,
                x.Listing.PhotoUrl, ListedAtSeen(x.Search, x.Listing), x.Listing.FavouriteCount, x.Listing.Url,
                Seller(x.Search) ? x.Listing.BrandId : null, Seller(x.Search) ? x.Listing.SizeId : null, Seller(x.Search) ? x.Listing.StatusId : null,
                Seller(x.Search) ? "item" : "search"))
            .Order(StringComparer.Ordinal).ToList();

        var actual = await _bed.QueryAsync(
            """
            select search_key, item_id, title, price, currency, brand_title, size_title, condition_title, catalog_id, seller_id, seller_login,
                   photo_id, photo_url, listed_at, favourite_count, url, brand_id, size_id, condition_id, catalog_source
            from staging.item_observation where run_id = $1
            """,
            r => Row(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetDecimal(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetInt64(8), r.GetInt64(9), r.GetString(10), r.IsDBNull(11) ? null : r.GetInt64(11),
                r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13), r.GetInt32(14), r.GetString(15),
                r.IsDBNull(16) ? null : r.GetInt64(16), r.IsDBNull(17) ? null : r.GetInt64(17), r.IsDBNull(18) ? null : r.GetInt64(18), r.GetString(19)),
            RunId(date));

        Assert.True(expected.Count > 1_000, $"the simulated day should be substantial, got {expected.Count}");
        Assert.Equal(expected, actual.Order(StringComparer.Ordinal).ToList());
        // Both price forms (object and old string) land in the same columns; totals stay consistent.
        Assert.Equal(0, await _bed.ScalarAsync("select count(*) from staging.item_observation where run_id = $1 and total_item_price <> price + service_fee", RunId(date)));
        // The pages as stored hold both forms, and every item of either form has its row.
        var staged = (await _bed.QueryAsync("select s3_key, item_id from staging.item_observation where run_id = $1", r => (Key: r.GetString(0), Id: r.GetInt64(1)), RunId(date))).ToHashSet();
        var forms = new List<(JsonValueKind Form, bool Staged)>();
        foreach (var key in staged.Select(r => r.Key).Distinct())
        {
            using var page = JsonDocument.Parse(await _bed.RawZone.ReadAsync(key, CancellationToken.None));
            forms.AddRange(page.RootElement.GetProperty("items").EnumerateArray()
                .Select(item => (item.GetProperty("price").ValueKind, staged.Contains((key, item.GetProperty("id").GetInt64())))));
        }

        Assert.Contains(forms, f => f.Form == JsonValueKind.String);
        Assert.Contains(forms, f => f.Form == JsonValueKind.Object);
        Assert.All(forms, f => Assert.True(f.Staged));
    }

    [Fact]
    public async Task NormalizeAsync_TwoDays_ListingsSightingsVanishingAndPriceHistoryEqualGroundTruth()
    {
        var day1 = Distinct(_bed.GroundTruth(Day1));
        var day2 = Distinct(_bed.GroundTruth(Day2));
        var vanished = day1.Keys.Except(day2.Keys).ToHashSet();
        var appeared = day2.Keys.Except(day1.Keys).ToHashSet();
        var changed = day2.Keys.Intersect(day1.Keys).Where(k => day1[k].Price != day2[k].Price).ToHashSet();
        Assert.NotEmpty(vanished);
        Assert.NotEmpty(appeared);
        Assert.NotEmpty(changed);
        // In the simulator a listing disappears only when it sells: every vanished listing sold on day 2.
        foreach (var (domain, id) in vanished)
        {
            Assert.Equal(Day2, DateOnly.FromDateTime(_bed.Simulator.Marketplace.Listing(domain, id, Day2)!.SoldAt!.Value.UtcDateTime));
        }

        var items = (await _bed.QueryAsync(
            "select domain, item_id, price, currency, first_seen, last_seen, vanished_on from core.item",
            r => (Key: (r.GetString(0), r.GetInt64(1)), Price: r.GetDecimal(2), Currency: r.GetString(3), First: r.GetFieldValue<DateOnly>(4),
                Last: r.GetFieldValue<DateOnly>(5), Vanished: r.IsDBNull(6) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(6))))
            .ToDictionary(i => i.Key);
        Assert.Equal(day1.Keys.Union(day2.Keys).Order().ToList(), items.Keys.Order().ToList());
        foreach (var (key, item) in items)
        {
            var truth = day2.GetValueOrDefault(key) ?? day1[key];
            Assert.Equal((truth.Price, truth.Currency), (item.Price, item.Currency));
            Assert.Equal(day1.ContainsKey(key) ? Day1 : Day2, item.First);
            Assert.Equal(day2.ContainsKey(key) ? Day2 : Day1, item.Last);
            Assert.Equal(vanished.Contains(key) ? Day2 : null, item.Vanished);
        }

        foreach (var (date, truth) in new[] { (Day1, day1), (Day2, day2) })
        {
            var sightings = await _bed.QueryAsync(
                "select domain, item_id, price, currency from core.item_sighting where observed_date = $1",
                r => $"{r.GetString(0)}/{r.GetInt64(1)}/{r.GetDecimal(2):0.00}/{r.GetString(3)}", date);
            Assert.Equal(truth.Select(t => $"{t.Key.Domain}/{t.Key.Id}/{t.Value.Price:0.00}/{t.Value.Currency}").Order().ToList(), sightings.Order().ToList());
        }

        var history = (await _bed.QueryAsync(
            "select domain, item_id, valid_from, valid_to, price from core.item_price_history order by valid_from",
            r => (Key: (r.GetString(0), r.GetInt64(1)), From: r.GetFieldValue<DateOnly>(2), To: r.IsDBNull(3) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(3), Price: r.GetDecimal(4))))
            .ToLookup(h => h.Key);
        foreach (var key in items.Keys)
        {
            var versions = history[key].Select(h => (h.From, h.To, h.Price)).ToList();
            var expected = changed.Contains(key) ? [(Day1, Day2, day1[key].Price), (Day2, null, day2[key].Price)]
                : vanished.Contains(key) ? [(Day1, Day2, day1[key].Price)]
                : appeared.Contains(key) ? [(Day2, null, day2[key].Price)]
                : new List<(DateOnly, DateOnly?, decimal)> { (Day1, null, day1[key].Price) };
            Assert.Equal(expected, versions);
        }

        var vanishFacts = await _bed.QueryAsync("select domain, item_id from core.item_vanish where vanished_on = $1", r => (r.GetString(0), r.GetInt64(1)), Day2);
        Assert.Equal(vanished.Order().ToList(), vanishFacts.Order().ToList());

        // Brand ids come from the seller pages (search results carry only titles); the title is the key.
        var brands = (await _bed.QueryAsync("select title, vinted_id from core.brand", r => (r.GetString(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1)))).ToDictionary(b => b.Item1, b => b.Item2);
        var sellerSearch = _bed.Searches.Single(s => s.Kind == VintedSearchKind.Seller);
        foreach (var listing in _bed.GroundTruth(Day1).Concat(_bed.GroundTruth(Day2)).Where(x => x.Search == sellerSearch && x.Listing.BrandTitle is not null))
        {
            Assert.Equal(listing.Listing.BrandId, brands[listing.Listing.BrandTitle!]);
        }
    }

    [Fact]
    public async Task BuildAsync_TwoDays_FactsVanishedAndAggregatesEqualGroundTruth()
    {
        var day1 = Distinct(_bed.GroundTruth(Day1));
        var day2 = Distinct(_bed.GroundTruth(Day2));

        var facts1 = await Facts(Day1);
        Assert.Equal(day1.Keys.Order().ToList(), facts1.Keys.Order().ToList());
        Assert.All(facts1.Values, f => Assert.True(f.IsNew && !f.Dropped));

        var facts2 = await Facts(Day2);
        Assert.Equal(day2.Keys.Order().ToList(), facts2.Keys.Order().ToList());
        foreach (var (key, fact) in facts2)
        {
            Assert.Equal(day2[key].Price, fact.Price);
            Assert.Equal(!day1.ContainsKey(key), fact.IsNew);
            Assert.Equal(day1.TryGetValue(key, out var before) && day2[key].Price < before.Price, fact.Dropped);
        }

        var vanished = await _bed.QueryAsync(
            "select domain, item_id, first_seen, days_first_seen_to_vanished, days_listed_to_vanished, last_price from mart.fact_listing_vanished where vanished_on = $1",
            r => $"{r.GetString(0)}/{r.GetInt64(1)}/{r.GetFieldValue<DateOnly>(2):yyyy-MM-dd}/{r.GetInt32(3)}/{(r.IsDBNull(4) ? "-" : r.GetInt32(4))}/{r.GetDecimal(5):0.00}", Day2);
        // The listing time is known from the photo's timestamp, or from created_at_ts on seller pages.
        var sellerSeen = _bed.GroundTruth(Day1).Where(x => Seller(x.Search)).Select(x => (x.Search.Domain, x.Listing.Id)).ToHashSet();
        var expectedVanished = day1.Keys.Except(day2.Keys)
            .Select(k => $"{k.Domain}/{k.Id}/{Day1:yyyy-MM-dd}/1/{(day1[k].PhotoId is not null || sellerSeen.Contains(k) ? Day2.DayNumber - DateOnly.FromDateTime(day1[k].ListedAt.UtcDateTime).DayNumber : "-")}/{day1[k].Price:0.00}")
            .Order().ToList();
        Assert.NotEmpty(expectedVanished);
        Assert.Equal(expectedVanished, vanished.Order().ToList());

        // Aggregates per brand x catalog x currency, recomputed from ground truth.
        var expected = new List<string>();
        var groups = day2.Select(x => (Listing: x.Value, Live: true, Key: x.Key))
            .Concat(day1.Where(x => !day2.ContainsKey(x.Key)).Select(x => (Listing: x.Value, Live: false, Key: x.Key)))
            .GroupBy(x => (Brand: x.Listing.BrandTitle ?? "(none)", x.Listing.CatalogId, x.Listing.Currency));
        foreach (var g in groups)
        {
            var live = g.Where(x => x.Live).ToList();
            var prices = live.Select(x => x.Listing.Price).Order().ToList();
            expected.Add(string.Join('/', g.Key.Brand, g.Key.CatalogId, g.Key.Currency, live.Count,
                live.Count(x => !day1.ContainsKey(x.Key)), g.Count(x => !x.Live),
                live.Count(x => day1.TryGetValue(x.Key, out var b) && x.Listing.Price < b.Price),
                Percentile(prices, 0.25), Percentile(prices, 0.5), Percentile(prices, 0.75)));
        }

        var actual = await _bed.QueryAsync(
            """
            select b.title, a.catalog_key, a.currency, a.listing_count, a.new_listings, a.vanished_listings, a.price_drops,
                   a.price_p25, a.price_median, a.price_p75
            from mart.agg_daily_brand_catalog a join mart.dim_brand b using (brand_key)
            where a.snapshot_date = $1
            """,
            r => string.Join('/', r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
                Money(r.IsDBNull(7) ? null : r.GetDecimal(7)), Money(r.IsDBNull(8) ? null : r.GetDecimal(8)), Money(r.IsDBNull(9) ? null : r.GetDecimal(9))),
            Day2);
        Assert.Equal(expected.Order(StringComparer.Ordinal).ToList(), actual.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Lineage_AnyMartFact_LeadsToItsStagingRowAndRawS3Object()
    {
        var rows = await _bed.QueryAsync(
            """
            select f.item_id, o.item_id, o.s3_key, o.item_index
            from mart.fact_listing_daily f
            join staging.item_observation o on o.run_id = f.run_id and o.s3_key = f.s3_key and o.item_index = f.item_index
            where f.snapshot_date = $1
            order by f.item_id
            limit 5
            """,
            r => (Fact: r.GetInt64(0), Staged: r.GetInt64(1), Key: r.GetString(2), Index: r.GetInt32(3)), Day2);

        Assert.Equal(5, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(row.Fact, row.Staged);
            // The S3 key and item index name the item's element in the page as stored.
            using var page = JsonDocument.Parse(await _bed.RawZone.ReadAsync(row.Key, CancellationToken.None));
            Assert.Equal(row.Fact, page.RootElement.GetProperty("items")[row.Index].GetProperty("id").GetInt64());
        }

        Assert.Equal(0, await _bed.ScalarAsync(
            """
            select count(*) from mart.fact_listing_daily f
            where not exists (select 1 from staging.item_observation o where o.run_id = f.run_id and o.s3_key = f.s3_key and o.item_index = f.item_index)
            """));
    }

    [Fact]
    public async Task Checks_TwoDays_AllRecordedAndPassed()
    {
        var results = await _bed.QueryAsync("select run_id || ':' || stage || '.' || check_name, passed from quality.check_result", r => (r.GetString(0), r.GetBoolean(1)));
        Assert.Equal(26, results.Count);
        Assert.All(results, r => Assert.True(r.Item2, r.Item1));
    }

    private async Task<Dictionary<(string Domain, long Id), (decimal Price, bool IsNew, bool Dropped)>> Facts(DateOnly date) =>
        (await _bed.QueryAsync(
            "select domain, item_id, price, is_new, price_dropped from mart.fact_listing_daily where snapshot_date = $1",
            r => (Key: (r.GetString(0), r.GetInt64(1)), Value: (r.GetDecimal(2), r.GetBoolean(3), r.GetBoolean(4))), date))
        .ToDictionary(f => f.Key, f => f.Value);

    private static Dictionary<(string Domain, long Id), GroundTruthListing> Distinct(IEnumerable<(VintedSearch Search, GroundTruthListing Listing)> truth) =>
        truth.GroupBy(x => (x.Search.Domain, x.Listing.Id)).ToDictionary(g => g.Key, g => g.First().Listing);

    private static bool Seller(VintedSearch search) => search.Kind == VintedSearchKind.Seller;

    /// <summary>Search results date a listing only by its photo's timestamp; seller pages also by created_at_ts.</summary>
    private static DateTimeOffset? ListedAtSeen(VintedSearch search, GroundTruthListing listing) =>
        listing.PhotoId is not null || Seller(search) ? listing.ListedAt : null;

    /// <summary>PostgreSQL's percentile_cont (linear interpolation), rounded to the cent as the mart stores it.</summary>
    private static string Percentile(List<decimal> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return "-";
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        var value = sorted[lower] + (decimal)(position - lower) * (sorted[upper] - sorted[lower]);
        return Money(Math.Round(value, 2, MidpointRounding.AwayFromZero));
    }

    private static string Money(decimal? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string Row(params object?[] values) =>
        string.Join('|', values.Select(v => v switch
        {
            null => "null",
            decimal d => d.ToString("0.00", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString(),
        }));
}
