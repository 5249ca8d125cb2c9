using System.Net;
using System.Text;
using Vinted.Api.Models;
using Vinted.Api.Options;
using Vinted.Api.Parsing;
using Vinted.Simulator;

using Vinted.Testing;

namespace Vinted.Api.Tests;

/// <summary>The client against the simulator over real HTTP on 127.0.0.1.</summary>
public sealed class VintedClientSimulatorTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly VintedSearch Jeans = VintedSearch.Catalog("pt") with { CatalogIds = [1206], StatusIds = [2, 3], PerPage = 50, Order = "newest_first" };

    [Theory]
    [InlineData(CatalogEndpointEra.Current, VintedEndpoint.CatalogCurrent, "/pt/svc-catalogue/items?page=1&per_page=50&attribute_ids[catalog]=1206&attribute_ids[status]=2,3&order=newest_first")]
    [InlineData(CatalogEndpointEra.Legacy, VintedEndpoint.CatalogLegacy, "/pt/api/v2/catalog/items?page=1&per_page=50&catalog_ids=1206&status_ids=2,3&order=newest_first")]
    public async Task FetchPageAsync_CatalogEachEra_ReturnsFilteredPageMatchingGroundTruth(CatalogEndpointEra era, VintedEndpoint endpoint, string pathAndQuery)
    {
        await using var sim = await Sim.StartAsync();
        using var client = Sim.Client(sim, era);

        var page = await client.FetchPageAsync(Jeans, 1, None);

        Assert.Equal(endpoint, page.Endpoint);
        Assert.Equal(pathAndQuery, page.RequestUri.PathAndQuery);
        Assert.Equal((200, PageProblemKind.None, 50), (page.StatusCode, page.ProblemKind, page.ItemCount));
        var items = VintedPageParser.Parse(page.Body).Items;
        var truth = sim.Marketplace.GroundTruth(sim.State.Date, Jeans);
        Assert.Equal(truth.Listings.Take(50).Select(l => l.Id), items.Select(i => i.Id));
        Assert.Equal(truth.TotalEntries, page.Pagination!.TotalEntries);
        Assert.All(truth.Listings, l => Assert.True(l.CatalogId == 1206 && l.StatusId is 2 or 3));
        Assert.Equal(truth.Listings.Take(50).Select(l => (l.Price, l.Currency, l.BrandTitle, l.Status)), items.Select(i => (i.Price!.Value, i.Currency!, i.BrandTitle, i.Status!)));
    }

    [Fact]
    public async Task FetchPageAsync_AllReachablePages_EqualGroundTruthAndStopAtCap()
    {
        await using var sim = await Sim.StartAsync(cap: 200);
        using var client = Sim.Client(sim);
        var search = VintedSearch.Catalog("pt") with { PerPage = 96 };
        var ids = new List<long>();
        FetchedPage page;
        var n = 0;
        do
        {
            page = await client.FetchPageAsync(search, ++n, None);
            ids.AddRange(VintedPageParser.Parse(page.Body).Items.Select(i => i.Id));
        }
        while (page.HasNextPage);

        var truth = sim.Marketplace.GroundTruth(sim.State.Date, search);
        Assert.Equal(200, truth.Listings.Count);
        Assert.True(truth.TotalEntries > 200);
        Assert.Equal(truth.Listings.Select(l => l.Id), ids);
        Assert.Equal(4, n);
    }

    [Fact]
    public async Task FetchPageAsync_OldFilterNamesOnCurrentEndpoint_AreIgnoredLikeTheRealApi()
    {
        await using var sim = await Sim.StartAsync();
        using var http = new HttpClient();
        var home = await http.GetAsync(sim.DomainUrl("pt"), None);
        var token = home.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("access_token_web=", StringComparison.Ordinal)).Split(';')[0]["access_token_web=".Length..];
        var anon = home.Headers.GetValues("x-anon-id").Single();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sim.DomainUrl("pt"), "svc-catalogue/items?catalog_ids=1206&per_page=96"));
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("X-Anon-Id", anon);
        var response = await http.SendAsync(request, None);
        var page = VintedPageParser.Parse(await response.Content.ReadAsByteArrayAsync(None));
        Assert.Equal(sim.Marketplace.GroundTruth(sim.State.Date, VintedSearch.Catalog("pt")).TotalEntries, page.Pagination!.TotalEntries);
    }

    [Theory]
    [InlineData(SellerEndpointKind.Users, "/api/v2/users/")]
    [InlineData(SellerEndpointKind.Wardrobe, "/api/v2/wardrobe/")]
    public async Task FetchPageAsync_SellerEndpoints_ReturnTheSellersItems(SellerEndpointKind kind, string path)
    {
        await using var sim = await Sim.StartAsync();
        using var client = Sim.Client(sim, configure: d => d.SellerEndpoint = kind);
        var seller = sim.Marketplace.GroundTruth(sim.State.Date, VintedSearch.Catalog("pt")).Listings[0].SellerId;
        var search = VintedSearch.Seller("pt", seller);

        var page = await client.FetchPageAsync(search, 1, None);

        Assert.Contains(path + seller + "/items?page=1&per_page=96", page.RequestUri.PathAndQuery, StringComparison.Ordinal);
        var items = VintedPageParser.Parse(page.Body).Items;
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(seller, i.User!.Id));
        Assert.All(items, i => Assert.NotNull(i.CatalogId));
        Assert.Equal(sim.Marketplace.GroundTruth(sim.State.Date, search).Listings.Select(l => l.Id), items.Select(i => i.Id));
    }

    [Fact]
    public async Task FetchPageAsync_LegacyEndpointInCurrentEra_FailsNonTransientWith404()
    {
        await using var sim = await Sim.StartAsync(era: SimulatorEra.Current);
        using var client = Sim.Client(sim, CatalogEndpointEra.Legacy);
        var error = await Assert.ThrowsAsync<VintedRequestException>(() => client.FetchPageAsync(Jeans, 1, None));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Contains("api/v2/catalog/items", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, sim.State.Count("requests:CatalogLegacy"));
    }

    [Fact]
    public async Task FetchPageAsync_SessionExpiresEveryFewRequests_RefreshesOnceAndSucceeds()
    {
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { SessionExpiryEvery = 2 });
        using var client = Sim.Client(sim);
        for (var page = 1; page <= 5; page++)
        {
            Assert.Equal(200, (await client.FetchPageAsync(Jeans, page, None)).StatusCode);
        }

        Assert.Equal(3, sim.State.Count("sessions"));
        Assert.Equal(2, sim.State.Count("unauthorized"));
    }

    [Fact]
    public async Task FetchPageAsync_NoSessionYet_BootstrapsFromHomePageOnce()
    {
        await using var sim = await Sim.StartAsync();
        using var client = Sim.Client(sim);
        await Task.WhenAll(Enumerable.Range(1, 6).Select(p => client.FetchPageAsync(Jeans, p, None)));
        Assert.Equal(1, sim.State.Count("sessions"));
        Assert.Equal(0, sim.State.Count("unauthorized"));
    }

    [Theory]
    [InlineData("server_error")]
    [InlineData("rate_limited")]
    [InlineData("rate_limited_date")]
    [InlineData("connection_reset")]
    public async Task FetchPageAsync_TransientFault_IsRecoveredByRetries(string fault)
    {
        var faults = fault switch
        {
            "server_error" => new SimulatorFaults { ServerErrorRate = 1 },
            "rate_limited" => new SimulatorFaults { RateLimitRate = 1, RetryAfterSeconds = 0, MaxFaultedAttempts = 1 },
            "rate_limited_date" => new SimulatorFaults { RateLimitRate = 1, RetryAfterSeconds = 0, RetryAfterAsDate = true, MaxFaultedAttempts = 1 },
            _ => new SimulatorFaults { ConnectionResetRate = 1 },
        };
        await using var sim = await Sim.StartAsync(faults: faults);
        using var client = Sim.Client(sim);

        var page = await client.FetchPageAsync(Jeans, 1, None);

        Assert.Equal((200, PageProblemKind.None), (page.StatusCode, page.ProblemKind));
        var counter = fault == "rate_limited_date" ? "rate_limited" : fault;
        Assert.Equal(faults.MaxFaultedAttempts, sim.State.Count($"faults:{counter}"));
    }

    [Fact]
    public async Task FetchPageAsync_429_HonoursRetryAfterSeconds()
    {
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { RateLimitRate = 1, RetryAfterSeconds = 1, MaxFaultedAttempts = 1 });
        using var client = Sim.Client(sim);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await client.FetchPageAsync(Jeans, 1, None);
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(0.95), $"waited only {started.Elapsed}");
    }

    [Fact]
    public async Task FetchPageAsync_TransientFaultOutlastingRetries_FailsTransient()
    {
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { ServerErrorRate = 1, MaxFaultedAttempts = 100 });
        using var client = Sim.Client(sim, configure: d => d.MaxRetryAttempts = 2);
        var error = await Assert.ThrowsAsync<VintedRequestException>(() => client.FetchPageAsync(Jeans, 1, None));
        Assert.True(error.IsTransient);
        Assert.Equal(3, sim.State.Count("faults:server_error"));
    }

    [Fact]
    public async Task FetchPageAsync_AntiBotPage_ThrowsBlockedWithoutRetry()
    {
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { AntiBotRate = 1 });
        using var client = Sim.Client(sim);
        var error = await Assert.ThrowsAsync<VintedBlockedException>(() => client.FetchPageAsync(Jeans, 1, None));
        Assert.Equal("pt", error.Domain);
        Assert.False(error.IsTransient);
        Assert.Equal(1, sim.State.Count("faults:anti_bot"));
    }

    [Theory]
    [InlineData("malformed", PageProblemKind.MalformedJson)]
    [InlineData("truncated", PageProblemKind.MalformedJson)]
    [InlineData("no_pagination", PageProblemKind.MissingPagination)]
    public async Task FetchPageAsync_BadBody_IsFlaggedWithBytesKept(string fault, PageProblemKind expected)
    {
        var faults = fault switch
        {
            "malformed" => new SimulatorFaults { MalformedJsonRate = 1 },
            "truncated" => new SimulatorFaults { TruncatedBodyRate = 1 },
            _ => new SimulatorFaults { MissingPaginationRate = 1 },
        };
        await using var sim = await Sim.StartAsync(faults: faults);
        using var client = Sim.Client(sim);

        var page = await client.FetchPageAsync(Jeans, 1, None);

        Assert.Equal(expected, page.ProblemKind);
        Assert.NotNull(page.Problem);
        Assert.NotEmpty(page.Body);
        Assert.Equal(expected != PageProblemKind.MissingPagination, page.ShouldQuarantine);
        Assert.False(page.HasNextPage);
        if (expected == PageProblemKind.MissingPagination)
        {
            Assert.Equal(50, VintedPageParser.Parse(page.Body).Items.Count);
        }
        else
        {
            Assert.StartsWith("{\"items\":[", Encoding.UTF8.GetString(page.Body), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FetchPageAsync_StringPriceFraction_BothFormsParseToGroundTruthPrices()
    {
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { StringPriceFraction = 0.5 });
        using var client = Sim.Client(sim);
        var page = await client.FetchPageAsync(Jeans, 1, None);
        var text = Encoding.UTF8.GetString(page.Body);
        Assert.Contains("\"price\":\"", text, StringComparison.Ordinal);
        Assert.Contains("\"price\":{\"amount\"", text, StringComparison.Ordinal);
        var truth = sim.Marketplace.GroundTruth(sim.State.Date, Jeans).Listings.Take(50);
        Assert.Equal(truth.Select(l => (l.Price, l.Currency)), VintedPageParser.Parse(page.Body).Items.Select(i => (i.Price!.Value, i.Currency!)));
    }

    [Fact]
    public async Task FetchPageAsync_RawBytes_AreExactlyTheServedBytes()
    {
        await using var sim = await Sim.StartAsync();
        using var client = Sim.Client(sim);
        var page = await client.FetchPageAsync(Jeans, 2, None);
        using var http = new HttpClient();
        var home = await http.GetAsync(sim.DomainUrl("pt"), None);
        var cookie = string.Join("; ", home.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sim.DomainUrl("pt"), "api/v2/catalog/items?page=2&per_page=50&catalog_ids=1206&status_ids=2,3&order=newest_first"));
        request.Headers.Add("Cookie", cookie);
        var legacy = await (await http.SendAsync(request, None)).Content.ReadAsByteArrayAsync(None);
        Assert.Equal(legacy, page.Body);
        Assert.Equal("application/json; charset=utf-8", page.ContentType);
    }

    [Fact]
    public async Task FetchItemPageAsync_ListingsThatLeftAndOneForSale_PagesSayWhatGroundTruthSays()
    {
        await using var sim = await Sim.StartAsync();
        using var client = Sim.Client(sim);
        var before = sim.State.Date.AddDays(-10);
        var left = sim.Marketplace.GroundTruth(before, VintedSearch.Catalog("pt")).Listings
            .Where(l => l.SoldAt is { } at && DateOnly.FromDateTime(at.UtcDateTime) < sim.State.Date)
            .Select(l => (l.Id, Exit: sim.Marketplace.ExitOf("pt", l.Id)!))
            .ToList();
        var forSale = sim.Marketplace.GroundTruth(sim.State.Date, Jeans).Listings[0].Id;

        foreach (var (id, expected) in new[]
        {
            (left.First(l => !l.Exit.Withdrawn && !l.Exit.PageUnclear).Id, ListingFate.Sold),
            (left.First(l => l.Exit.Withdrawn && !l.Exit.PageUnclear).Id, ListingFate.Withdrawn),
            (left.First(l => l.Exit.PageUnclear).Id, ListingFate.Unknown),
            (forSale, ListingFate.Unknown),
        })
        {
            var page = await client.FetchItemPageAsync("pt", id, None);

            Assert.Equal($"/pt/items/{id}", page.RequestUri.PathAndQuery);
            Assert.Equal(expected == ListingFate.Withdrawn ? 404 : 200, page.StatusCode);
            Assert.Equal(expected, ItemPageParser.Read(page.StatusCode, page.Body).Fate);
        }

        Assert.Equal(404, (await client.FetchItemPageAsync("pt", 123, None)).StatusCode);
    }
}
