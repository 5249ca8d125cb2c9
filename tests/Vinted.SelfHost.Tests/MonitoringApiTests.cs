using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Testing;
using Vinted.Orchestration.Client;

namespace Vinted.SelfHost.Tests;

/// <summary>Two days of real pipeline runs and warehouse loads behind the host, read once by every test of the class.</summary>
public sealed class MonitoringSiteFixture : IAsyncLifetime
{
    public PipelineHost Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await PipelineHost.StartDemoAsync(nameof(MonitoringApiTests), days: 2);

    public async Task DisposeAsync() => await Site.DisposeAsync();
}

/// <summary>The monitoring and insight JSON endpoints over real HTTP, checked against the engine's history and the mart.</summary>
public sealed class MonitoringApiTests(MonitoringSiteFixture fixture) : IClassFixture<MonitoringSiteFixture>
{
    private static readonly LocalStack Stack = LocalStack.Instance;
    private readonly PipelineHost _site = fixture.Site;

    private static DateOnly Day1 => DemoDays.FirstDay;

    private static DateOnly Day2 => DemoDays.FirstDay.AddDays(1);

    [Fact]
    public async Task Runs_List_NewestFirstWithTriggerDurationAndReportCounts()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var list = await http.GetFromJsonAsync<JsonElement>("/api/monitoring/runs");

        var runs = list.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(_site.Runs.Select(r => r.InstanceId).Reverse(), runs.Select(r => r.GetProperty("id").GetString()));
        foreach (var (run, status) in runs.Zip(Enumerable.Reverse(_site.Runs)))
        {
            Assert.Equal("Completed", run.GetProperty("status").GetString());
            Assert.Equal("test", run.GetProperty("trigger").GetString());
            Assert.True(run.GetProperty("durationSeconds").GetDouble() > 0);
            var report = status.OutputJson().GetProperty("ingestion");
            var counts = run.GetProperty("counts");
            Assert.Equal(report.GetProperty("pages").GetInt32(), counts.GetProperty("pages").GetInt32());
            Assert.Equal(report.GetProperty("items").GetInt64(), counts.GetProperty("items").GetInt64());
            Assert.Equal(report.GetProperty("quarantinedPages").GetInt32(), counts.GetProperty("quarantinedPages").GetInt32());
            Assert.Equal(DemoDays.Searches.Count, counts.GetProperty("searches").GetInt32());
        }

        Assert.Equal(Day2.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), runs[0].GetProperty("date").GetString());
    }

    [Fact]
    public async Task Runs_ListPaged_ContinuationTokenLeadsToTheOlderRun()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var first = await http.GetFromJsonAsync<JsonElement>("/api/monitoring/runs?top=1");
        var token = first.GetProperty("continuationToken").GetString();
        var second = await http.GetFromJsonAsync<JsonElement>($"/api/monitoring/runs?top=1&continuationToken={Uri.EscapeDataString(token!)}");

        Assert.Equal(_site.Runs[1].InstanceId, first.GetProperty("runs")[0].GetProperty("id").GetString());
        Assert.Equal(_site.Runs[0].InstanceId, second.GetProperty("runs")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("continuationToken").ValueKind);
    }

    [Fact]
    public async Task Run_Detail_StagesStepsQuarantineAndQualityMatchTheHistoryAndWarehouse()
    {
        var run = _site.Runs[1];
        using var http = _site.CreateClient(Stack.DefaultKey);

        var detail = await http.GetFromJsonAsync<JsonElement>($"/api/monitoring/runs/{run.InstanceId}");

        var stages = detail.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["plan", "ingestion", "staging", "normalize", "mart", "vanished", "lake", "prices", "quality"], stages.Select(s => s.GetProperty("name").GetString()));
        var activities = stages[1].GetProperty("activities").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        var report = run.OutputJson().GetProperty("ingestion");
        var fetch = activities["FetchPage"];
        var ranges = activities["FetchPages"];
        Assert.Equal(report.GetProperty("searches").GetInt32(), fetch.GetProperty("steps").GetInt32()); // each search's page 1
        foreach (var a in new[] { fetch, ranges })
        {
            Assert.Equal(a.GetProperty("steps").GetInt32(), a.GetProperty("byStatus").GetProperty("Completed").GetInt32());
            Assert.True(a.GetProperty("attempts").GetInt32() >= a.GetProperty("steps").GetInt32());
        }

        Assert.Equal(1, activities["WriteManifest"].GetProperty("steps").GetInt32());

        // The page fetches live in the run's SearchIngestion sub-orchestrations, one per search: the stage is their history.
        var status = await http.GetFromJsonAsync<JsonElement>($"/runtime/webhooks/durabletask/instances/{run.InstanceId}?showHistory=true");
        var children = status.GetProperty("children").EnumerateArray().ToList();
        var ids = children.Select(c => c.GetProperty("instanceId").GetString()!).Order(StringComparer.Ordinal).ToList();
        var execution = ids[0].Split(':')[1]; // the run's execution, so that a restart never reuses a finished child's id
        Assert.Equal(Enumerable.Range(0, DemoDays.Searches.Count).Select(i => $"{run.InstanceId}:{execution}:search-{i:D3}"), ids);
        Assert.All(children, c => Assert.Equal("SearchIngestion", c.GetProperty("name").GetString()));
        Assert.DoesNotContain(status.GetProperty("historyEvents").EnumerateArray(), s => s.GetProperty("name").GetString() is "FetchPage" or "FetchPages");
        var tree = await _site.Services.GetRequiredService<InstanceHistory>().ReadTreeAsync(run.InstanceId, CancellationToken.None);
        Assert.Equal(report.GetProperty("pages").GetInt32(), tree.Where(FetchSteps.IsFetch).Sum(FetchSteps.PageCount));
        foreach (var (name, a) in new[] { ("FetchPage", fetch), ("FetchPages", ranges) })
        {
            var fetches = tree.Where(s => s.Name == name).ToList();
            Assert.Equal(fetches.Count, a.GetProperty("steps").GetInt32());
            Assert.Equal(fetches.Sum(s => s.Attempts), a.GetProperty("attempts").GetInt32());
            Assert.Equal(fetches.Sum(s => s.Attempts - 1), a.GetProperty("retries").GetInt32());
        }

        var quarantined = detail.GetProperty("quarantinedKeys").EnumerateArray().Select(k => k.GetString()!).ToList();
        Assert.Equal(report.GetProperty("quarantinedPages").GetInt32(), quarantined.Count);
        Assert.NotEmpty(quarantined); // the simulator breaks ~3 % of the last day's pages
        Assert.All(quarantined, k => Assert.Contains("/quarantine/", k, StringComparison.Ordinal));

        var quality = detail.GetProperty("quality");
        Assert.True(quality.GetProperty("available").GetBoolean());
        var checks = quality.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(await ScalarAsync("select count(*) from quality.check_result where run_id = @p", run.InstanceId), checks.Count);
        Assert.Equal(["staging", "normalize", "mart"], checks.Select(c => c.GetProperty("stage").GetString()).Distinct());
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.GetProperty("name").GetString()));

        Assert.False(detail.GetProperty("actions").GetProperty("canManage").GetBoolean());
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("actions").GetProperty("terminatePostUri").ValueKind);
    }

    [Fact]
    public async Task Run_DetailWithAdminKey_OffersTheManagementApiLinks()
    {
        var id = _site.Runs[0].InstanceId;
        using var http = _site.CreateClient(Stack.AdminKey);

        var actions = (await http.GetFromJsonAsync<JsonElement>($"/api/monitoring/runs/{id}")).GetProperty("actions");

        Assert.True(actions.GetProperty("canManage").GetBoolean());
        Assert.Equal($"/runtime/webhooks/durabletask/instances/{id}/terminate", actions.GetProperty("terminatePostUri").GetString());
        Assert.Equal($"/runtime/webhooks/durabletask/instances/{id}/rewind", actions.GetProperty("rewindPostUri").GetString());
        Assert.Equal($"/runtime/webhooks/durabletask/instances/{id}/restart", actions.GetProperty("restartPostUri").GetString());
    }

    [Theory]
    [InlineData("/api/monitoring/runs?status=Sleeping", "status")]
    [InlineData("/api/monitoring/runs?top=0", "top")]
    [InlineData("/api/monitoring/runs?continuationToken=not-a-token", "continuationToken")]
    [InlineData("/api/insights/price-trend?domain=pt", "currency")]
    [InlineData("/api/insights/price-trend?currency=euro", "currency")]
    [InlineData("/api/insights/price-trend?currency=EUR&from=2026-02-30", "from")]
    [InlineData("/api/insights/price-trend?currency=EUR&to=yesterday", "to")]
    [InlineData("/api/insights/price-trend?currency=EUR&from=2026-10-05&to=2026-10-01", "from")]
    [InlineData("/api/insights/price-trend?currency=EUR&from=2020-01-01&to=2026-10-01", "to")]
    [InlineData("/api/insights/price-distribution?currency=EUR&domain=p%27t", "domain")]
    [InlineData("/api/insights/price-distribution?currency=EUR&catalog=-4", "catalog")]
    [InlineData("/api/insights/price-distribution?currency=EUR&bins=1000", "bins")]
    [InlineData("/api/insights/top-brands?currency=EUR&top=0", "top")]
    [InlineData("/api/insights/top-brands", "currency")]
    [InlineData("/api/insights/new-vs-vanished?catalog=1206x", "catalog")]
    [InlineData("/api/insights/time-to-sell?from=01/10/2026", "from")]
    public async Task AnyEndpoint_InvalidParameter_Is400ProblemNamingIt(string path, string parameter)
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task Run_Unknown_Is404Problem()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        using var response = await http.GetAsync("/api/monitoring/runs/no-such-run");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Filters_OfferTheMartsDatesDomainsCurrenciesBrandsAndCatalogs()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var filters = await http.GetFromJsonAsync<JsonElement>("/api/insights/filters");

        Assert.Equal("2026-10-01", filters.GetProperty("firstDate").GetString());
        Assert.Equal("2026-10-02", filters.GetProperty("lastDate").GetString());
        var domains = filters.GetProperty("domains").EnumerateArray().ToDictionary(d => d.GetProperty("domain").GetString()!, d => d.GetProperty("currency").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["fr"] = "EUR", ["pl"] = "PLN", ["pt"] = "EUR" }, domains);
        Assert.Equal(["EUR", "PLN"], filters.GetProperty("currencies").EnumerateArray().Select(c => c.GetString()));
        Assert.NotEmpty(filters.GetProperty("brands").EnumerateArray());
        Assert.Equal([1206L, 1231L, 2094L], filters.GetProperty("catalogs").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).Order());
    }

    [Fact]
    public async Task PriceTrend_OneDomain_MediansAndQuartilesOfThatDaysFacts()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var trend = await http.GetFromJsonAsync<JsonElement>("/api/insights/price-trend?currency=eur&domain=pt");

        Assert.Equal("EUR", trend.GetProperty("currency").GetString());
        var points = trend.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(["2026-10-01", "2026-10-02"], points.Select(p => p.GetProperty("date").GetString()));
        foreach (var point in points)
        {
            var day = DateOnly.Parse(point.GetProperty("date").GetString()!, CultureInfo.InvariantCulture);
            var prices = await PricesAsync("select price from mart.fact_listing_daily where snapshot_date = @p and domain = 'pt'", day);
            Assert.Equal(prices.Count, point.GetProperty("listings").GetInt64());
            AssertCents(Percentile(prices, 0.25), point.GetProperty("p25").GetDecimal());
            AssertCents(Percentile(prices, 0.50), point.GetProperty("median").GetDecimal());
            AssertCents(Percentile(prices, 0.75), point.GetProperty("p75").GetDecimal());
        }
    }

    [Fact]
    public async Task PriceTrend_Currency_NeverMixesDomainsOfAnotherCurrency()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var pln = await http.GetFromJsonAsync<JsonElement>($"/api/insights/price-trend?currency=PLN&from={Day2:yyyy-MM-dd}&to={Day2:yyyy-MM-dd}");
        var eurInPl = await http.GetFromJsonAsync<JsonElement>("/api/insights/price-trend?currency=EUR&domain=pl");

        var point = Assert.Single(pln.GetProperty("points").EnumerateArray());
        Assert.Equal(await ScalarAsync("select count(*) from mart.fact_listing_daily where snapshot_date = @p and domain = 'pl'", Day2), point.GetProperty("listings").GetInt64());
        Assert.Empty(eurInPl.GetProperty("points").EnumerateArray());
    }

    [Fact]
    public async Task PriceDistribution_CountsEachListingOnceInRegularBins()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var histogram = await http.GetFromJsonAsync<JsonElement>("/api/insights/price-distribution?currency=EUR&bins=20");

        var bins = histogram.GetProperty("bins").EnumerateArray().ToList();
        Assert.Equal(20, bins.Count);
        var listings = await ScalarAsync("select count(distinct (domain, item_id)) from mart.fact_listing_daily where currency = 'EUR' and snapshot_date >= @p", Day1);
        Assert.Equal(listings, histogram.GetProperty("listings").GetInt64());
        Assert.Equal(listings, bins.Sum(b => b.GetProperty("listings").GetInt64()));
        var lower = bins.Select(b => b.GetProperty("lower").GetDouble()).ToList();
        Assert.Equal(lower.Order(), lower);
    }

    [Fact]
    public async Task NewVsVanished_DayCountsMatchTheFacts()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var flow = await http.GetFromJsonAsync<JsonElement>("/api/insights/new-vs-vanished?domain=fr");

        var days = flow.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(2, days.Count);
        // The first day sees everything for the first time.
        Assert.Equal(days[0].GetProperty("listings").GetInt64(), days[0].GetProperty("new").GetInt64());
        Assert.Equal(await ScalarAsync("select count(*) from mart.fact_listing_daily where snapshot_date = @p and domain = 'fr' and is_new", Day2), days[1].GetProperty("new").GetInt64());
        var vanished = await ScalarAsync("select count(*) from mart.fact_listing_vanished where vanished_on = @p and domain = 'fr'", Day2);
        Assert.True(vanished > 0, "a day of the simulated market sells something");
        Assert.Equal(vanished, days[1].GetProperty("vanished").GetInt64());
        Assert.Equal(vanished, days[1].GetProperty("sold").GetInt64() + days[1].GetProperty("withdrawn").GetInt64() + days[1].GetProperty("unknown").GetInt64());
        Assert.Equal(await ScalarAsync("select count(*) from mart.fact_listing_vanished where vanished_on = @p and domain = 'fr' and outcome = 'sold'", Day2), days[1].GetProperty("sold").GetInt64());
    }

    [Fact]
    public async Task TimeToSell_HistogramCoversEverySoldListing()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var sell = await http.GetFromJsonAsync<JsonElement>("/api/insights/time-to-sell?currency=EUR");

        var total = await ScalarAsync("select count(*) from mart.fact_listing_vanished where currency = 'EUR' and vanished_on >= @p", Day1);
        var sold = await ScalarAsync("select count(*) from mart.fact_listing_vanished where currency = 'EUR' and vanished_on >= @p and outcome = 'sold'", Day1);
        Assert.True(sold > 0 && sold < total, "the item pages tell sold listings apart from the others");
        Assert.Equal(total, sell.GetProperty("vanished").GetInt64());
        // Issue 22: time to sell counts sold listings only, not every listing that vanished.
        Assert.Equal(sold, sell.GetProperty("sold").GetInt64());
        Assert.Equal(sold, sell.GetProperty("fromFirstSeen").EnumerateArray().Sum(d => d.GetProperty("listings").GetInt64()));
        Assert.NotEqual(JsonValueKind.Null, sell.GetProperty("medianDays").ValueKind);
    }

    [Fact]
    public async Task TopBrands_RankedByDistinctListings()
    {
        using var http = _site.CreateClient(Stack.DefaultKey);

        var top = await http.GetFromJsonAsync<JsonElement>("/api/insights/top-brands?currency=PLN&top=5");

        var brands = top.GetProperty("brands").EnumerateArray().ToList();
        Assert.Equal(5, brands.Count);
        var counts = brands.Select(b => b.GetProperty("listings").GetInt64()).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
        var best = brands[0].GetProperty("brand").GetString()!;
        Assert.Equal(
            await ScalarAsync("select count(distinct f.item_id) from mart.fact_listing_daily f join mart.dim_brand b using (brand_key) where f.domain = 'pl' and b.title = @p", best),
            counts[0]);
    }

    [Theory]
    [InlineData("/api/monitoring/runs")]
    [InlineData("/api/insights/filters")]
    [InlineData("/runs")]
    [InlineData("/insights")]
    public async Task AnyPageOrEndpoint_NoKey_Is401(string path)
    {
        using var http = _site.CreateClient(null);

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Page_KeyInQuery_MovesToHttpOnlyStrictCookieThatTheApiAccepts()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = _site.BaseAddress };

        using var wrong = await http.GetAsync("/insights?code=not-the-key-at-all&currency=EUR");
        using var page = await http.GetAsync($"/insights?code={Stack.DefaultKey}&currency=EUR");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/insights?currency=EUR", page.Headers.Location?.OriginalString);
        var cookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"vinted-functions-key={Stack.DefaultKey};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/monitoring/runs");
        request.Headers.Add("Cookie", $"vinted-functions-key={Stack.DefaultKey}");
        using var api = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task StaticFiles_VendoredPlotly_ServedLocally()
    {
        using var http = _site.CreateClient(null);

        var script = await http.GetStringAsync("/lib/plotly/plotly.min.js");

        Assert.Contains("plotly.js v4.1.2", script, StringComparison.Ordinal);
    }

    /// <summary>percentile_cont interpolates in double precision: a half cent may round either way.</summary>
    private static void AssertCents(decimal expected, decimal actual) => Assert.InRange(actual, expected - 0.01m, expected + 0.01m);

    /// <summary>PostgreSQL's percentile_cont, rounded to the cent as the query rounds.</summary>
    private static decimal Percentile(List<decimal> sorted, double fraction)
    {
        var position = fraction * (sorted.Count - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        var value = sorted[low] + ((sorted[high] - sorted[low]) * (decimal)(position - low));
        return Math.Round(value, 2, MidpointRounding.AwayFromZero);
    }

    private async Task<List<decimal>> PricesAsync(string sql, object parameter)
    {
        await using var dataSource = NpgsqlDataSource.Create(_site.ConnectionString);
        await using var command = dataSource.CreateCommand(sql + " order by price");
        command.Parameters.AddWithValue("p", parameter);
        var prices = new List<decimal>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            prices.Add(reader.GetDecimal(0));
        }

        return prices;
    }

    private async Task<long> ScalarAsync(string sql, object parameter)
    {
        await using var dataSource = NpgsqlDataSource.Create(_site.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("p", parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
