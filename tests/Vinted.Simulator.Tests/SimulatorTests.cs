using Vinted.Api.Models;
using Vinted.Api.Parsing;
using Vinted.Simulator;
using Vinted.Simulator.Market;

using Vinted.Testing;

namespace Vinted.Simulator.Tests;

public sealed class SimulatorTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Pages_SameSeed_AreByteIdenticalAcrossSimulators()
    {
        var search = VintedSearch.Catalog("fr") with { BrandIds = [53, 14, 12], Order = "price_low_to_high", PerPage = 96 };
        byte[] first, second, other;
        await using (var sim = await Sim.StartAsync())
        {
            using var client = FrClient(sim);
            first = (await client.FetchPageAsync(search, 2, None)).Body;
        }

        await using (var sim = await Sim.StartAsync())
        {
            using var client = FrClient(sim);
            second = (await client.FetchPageAsync(search, 2, None)).Body;
        }

        await using (var sim = await Sim.StartAsync(seed: 7))
        {
            using var client = FrClient(sim);
            other = (await client.FetchPageAsync(search, 2, None)).Body;
        }

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        var items = VintedPageParser.Parse(first).Items;
        Assert.Equal(96, items.Count);
        Assert.True(items.Zip(items.Skip(1)).All(p => p.First.Price <= p.Second.Price));
        Assert.All(items, i => Assert.Equal("EUR", i.Currency));
    }

    [Fact]
    public void GroundTruth_TwoDates_ShowsNewChangedAndSoldListingsByTheirDates()
    {
        var market = new Marketplace(new SimulatorOptions { Listings = 4_000, MaxReachableResults = 100_000 });
        var search = VintedSearch.Catalog("pt");
        var day1 = new DateOnly(2026, 10, 1);
        var day2 = day1.AddDays(7);
        var before = market.GroundTruth(day1, search).Listings.ToDictionary(l => l.Id);
        var after = market.GroundTruth(day2, search).Listings.ToDictionary(l => l.Id);
        var snap1 = DateTimeOffset.FromUnixTimeSeconds(Marketplace.SnapshotOf(day1));
        var snap2 = DateTimeOffset.FromUnixTimeSeconds(Marketplace.SnapshotOf(day2));

        var added = after.Values.Where(l => !before.ContainsKey(l.Id)).ToList();
        var sold = before.Values.Where(l => !after.ContainsKey(l.Id)).ToList();
        var repriced = after.Values.Where(l => before.TryGetValue(l.Id, out var old) && old.Price != l.Price).ToList();

        Assert.NotEmpty(added);
        Assert.NotEmpty(sold);
        Assert.NotEmpty(repriced);
        Assert.All(added, l => Assert.InRange(l.ListedAt, snap1.AddSeconds(1), snap2));
        Assert.All(sold, l => Assert.InRange(l.SoldAt!.Value, snap1.AddSeconds(1), snap2));
        Assert.All(repriced, l => Assert.True(l.Price < before[l.Id].Price));
        Assert.All(after.Values, l => Assert.True(l.SoldAt is null || l.SoldAt > snap2));
        Assert.Equal(sold[0] with { IsVisible = false, Price = market.Listing("pt", sold[0].Id, day2)!.Price, FavouriteCount = market.Listing("pt", sold[0].Id, day2)!.FavouriteCount },
            market.Listing("pt", sold[0].Id, day2));
    }

    [Fact]
    public async Task SimDate_ChangedAtRuntime_ServesThatDatesListings()
    {
        await using var sim = await Sim.StartAsync(listings: 4_000);
        using var client = Sim.Client(sim);
        var search = VintedSearch.Catalog("pt") with { PerPage = 96 };
        var first = VintedPageParser.Parse((await client.FetchPageAsync(search, 1, None)).Body).Items[0].Id;
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(sim.BaseUrl, "__sim/date?date=2026-10-08"), null, None)).EnsureSuccessStatusCode();

        var later = VintedPageParser.Parse((await client.FetchPageAsync(search, 1, None)).Body).Items;

        Assert.Equal(new DateOnly(2026, 10, 8), sim.State.Date);
        Assert.NotEqual(first, later[0].Id);
        Assert.Equal(sim.Marketplace.GroundTruth(new DateOnly(2026, 10, 8), search).Listings.Take(96).Select(l => l.Id), later.Select(i => i.Id));
    }

    [Fact]
    public async Task AdminEndpoints_FaultsStatsAndGroundTruth_Work()
    {
        await using var sim = await Sim.StartAsync();
        using var http = new HttpClient();
        var set = await http.PostAsync(new Uri(sim.BaseUrl, "__sim/faults"),
            new StringContent("""{"serverErrorRate":0.25,"latencyMs":1}""", System.Text.Encoding.UTF8, "application/json"), None);
        set.EnsureSuccessStatusCode();
        Assert.Equal(0.25, sim.State.Faults.ServerErrorRate);
        var bad = await http.PostAsync(new Uri(sim.BaseUrl, "__sim/faults"),
            new StringContent("""{"serverErrorRate":2}""", System.Text.Encoding.UTF8, "application/json"), None);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var truth = await http.GetStringAsync(new Uri(sim.BaseUrl, "__sim/ground-truth?domain=pt&date=2026-10-01&catalog_ids=1206&order=newest_first"), None);
        var expected = sim.Marketplace.GroundTruth(new DateOnly(2026, 10, 1), VintedSearch.Catalog("pt") with { CatalogIds = [1206], Order = "newest_first" });
        Assert.Contains($"\"totalEntries\":{expected.TotalEntries}", truth, StringComparison.Ordinal);
        Assert.Contains($"\"id\":{expected.Listings[0].Id}", truth, StringComparison.Ordinal);
        Assert.Contains("counters", await http.GetStringAsync(new Uri(sim.BaseUrl, "__sim/stats"), None), StringComparison.Ordinal);
    }

    [Fact]
    public void GroundTruth_FiveMillionListings_ScansWithoutAllocatingPerListing()
    {
        var market = new Marketplace(new SimulatorOptions { Listings = 5_000_000 });
        var search = VintedSearch.Catalog("pl") with { CatalogIds = [1231], BrandIds = [53], StatusIds = [2], PriceTo = 400 };
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var truth = market.GroundTruth(new DateOnly(2026, 10, 1), search);

        var perListing = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 5_000_000.0;
        Assert.NotEmpty(truth.Listings);
        Assert.All(truth.Listings, l => Assert.True(l.CatalogId == 1231 && l.BrandId == 53 && l.StatusId == 2 && l.Price <= 400 && l.Currency == "PLN"));
        Assert.True(perListing < 1, $"allocated {perListing:F2} bytes per listing");
    }

    [Fact]
    public async Task SearchPage_FiveMillionListingsOverHttp_AnswersThePage()
    {
        await using var sim = await Sim.StartAsync(listings: 5_000_000);
        using var client = Sim.Client(sim);
        var page = await client.FetchPageAsync(VintedSearch.Catalog("pt") with { SearchText = "nike", Order = "newest_first" }, 1, None);
        Assert.Equal(96, page.ItemCount);
        Assert.True(page.Pagination!.TotalEntries > 10_000);
        Assert.All(VintedPageParser.Parse(page.Body).Items, i => Assert.Contains("Nike", i.Title, StringComparison.Ordinal));
    }

    private static Vinted.Api.VintedClient FrClient(SimulatorHost sim)
    {
        var options = new Vinted.Api.Options.VintedApiOptions();
        options.Domains["fr"] = Sim.Domain(sim, "fr");
        return new Vinted.Api.VintedClient(new HttpClient(Vinted.Api.VintedClient.CreateHandler()), options, TimeProvider.System);
    }
}
