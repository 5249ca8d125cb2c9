using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Playwright;
using Vinted.Testing;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Orchestrators;
using Vinted.PriceModel.Training;
using Vinted.Simulator;

namespace Vinted.BrowserTests;

/// <summary>The runs, run and insight pages in headless Chromium after three days of demo runs.</summary>
public sealed class PagesTests(BrowserSite browser) : IClassFixture<BrowserSite>
{
    private static readonly string[] Charts = ["chart-price-trend", "chart-price-distribution", "chart-new-vs-vanished", "chart-vanished-outcome", "chart-time-to-sell", "chart-top-brands"];

    private readonly PipelineHost _site = browser.Site;

    [Fact]
    public async Task ModelsPage_AfterATraining_ChartsEachCurrencysVersionsAgainstTheBaseline()
    {
        // The demo's three days: the newest held out, the two before trained on; one model per currency.
        var id = await _site.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TrainModel), new TrainRequest());
        var status = await _site.Client.WaitForFinishAsync(id, TimeSpan.FromMinutes(5));
        RunAssert.Completed(status);
        var page = await browser.NewPageAsync();

        await page.GotoAsync($"/models?code={BrowserSite.Stack.DefaultKey}");

        foreach (var model in new[] { "price-eur", "price-pln" })
        {
            await Assertions.Expect(page.Locator("h2", new PageLocatorOptions { HasText = model })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator($"#metrics-{model}")).ToHaveAttributeAsync("data-points", new System.Text.RegularExpressions.Regex("^[1-9]"));
            var traces = await page.EvalOnSelectorAsync<int>($"#metrics-{model}", "el => (el.data || []).filter(t => t.x && t.x.length > 0).length");
            Assert.Equal(4, traces); // MAE, MAPE and the baseline's of each
        }

        await Assertions.Expect(page.Locator("#models-error")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task RunsPage_AfterDemoRuns_ListsEachRunWithStatusAndCounts()
    {
        var page = await browser.NewPageAsync();

        await page.GotoAsync($"/runs?code={BrowserSite.Stack.DefaultKey}");

        Assert.EndsWith("/runs", page.Url, StringComparison.Ordinal); // the key went into the cookie, out of the address
        // The navigation leads to the site's own pages only: there is no Hangfire dashboard any more.
        await Assertions.Expect(page.Locator("header nav a")).ToHaveTextAsync(["Runs", "Insights", "Price models"]);
        await Assertions.Expect(page.Locator("a[href='/dashboard']")).ToHaveCountAsync(0);
        foreach (var run in _site.Runs)
        {
            var row = page.Locator($"tr[data-run-id='{run.InstanceId}']");
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("Completed");
            var pages = run.ReadOutputAs<RunReport>()!.Ingestion.Pages;
            await Assertions.Expect(row.Locator("td").Nth(7)).ToHaveTextAsync(pages.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }

        await SaveScreenshotAsync(page, "runs.png");
    }

    [Fact]
    public async Task RunsPage_Refreshing_KeepsTheRowsOfUnchangedRuns()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"/runs?code={BrowserSite.Stack.DefaultKey}");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-loaded", "1");
        await page.EvalOnSelectorAllAsync("#runs tbody tr", "rows => rows.forEach(r => r.dataset.mark = 'kept')");

        // The page refreshes every 5 seconds; a replaced row under the pointer would swallow a click.
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-loaded", "2", new() { Timeout = 30_000 });

        foreach (var run in _site.Runs)
        {
            await Assertions.Expect(page.Locator($"tr[data-run-id='{run.InstanceId}']")).ToHaveAttributeAsync("data-mark", "kept");
        }
    }

    [Fact]
    public async Task RunPage_FromTheList_ShowsStagesStepsQualityAndQuarantinedPages()
    {
        var run = _site.Runs[^1];
        var report = run.ReadOutputAs<RunReport>()!;
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"/runs?code={BrowserSite.Stack.DefaultKey}");

        await page.Locator($"tr[data-run-id='{run.InstanceId}'] a").ClickAsync();

        await page.WaitForURLAsync($"**/runs/{run.InstanceId}");
        var fetch = page.Locator("#stages tr[data-activity='FetchPage']");
        await Assertions.Expect(fetch).ToBeVisibleAsync();
        Assert.Equal("ingestion", await fetch.GetAttributeAsync("data-stage"));
        await Assertions.Expect(fetch.Locator("td.steps")).ToHaveTextAsync(report.Ingestion.Searches.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#stages tr[data-activity='FetchPages']")).ToHaveAttributeAsync("data-stage", "ingestion");
        await Assertions.Expect(page.Locator("#stages tr[data-activity='PlanRun']")).ToHaveAttributeAsync("data-stage", "plan");
        await Assertions.Expect(page.Locator("#quality-checks tbody tr")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#quality-checks .status.failed")).ToHaveCountAsync(0);
        foreach (var key in report.Ingestion.QuarantinedKeys)
        {
            await Assertions.Expect(page.Locator("#quarantined")).ToContainTextAsync(key);
        }

        // Issue 22: every incomplete search (the demo's are capped) in a table, with what cut it and the counts.
        await Assertions.Expect(page.Locator("#incomplete-searches tbody tr")).ToHaveCountAsync(report.Ingestion.IncompleteSearches.Count);
        foreach (var search in report.Ingestion.IncompleteSearches)
        {
            await Assertions.Expect(page.Locator("#incomplete-searches")).ToContainTextAsync(search.Cut!);
        }

        // Read-only key: no management buttons.
        await Assertions.Expect(page.Locator("#actions")).ToBeHiddenAsync();
        await SaveScreenshotAsync(page, "run.png");
    }

    [Fact]
    public async Task RunPage_RunningRunWithAdminKey_ShowsProgressAndTerminates()
    {
        // A slow simulator keeps the run going long enough to watch it.
        _site.Simulator.State.Faults = new SimulatorFaults { LatencyMs = 2_500 };
        try
        {
            _site.Simulator.State.Date = DemoDays.FirstDay.AddDays(10);
            var id = await _site.Client.ScheduleNewOrchestrationInstanceAsync(nameof(DailyPipeline), new PipelineInput { Date = DemoDays.FirstDay.AddDays(10), Searches = DemoDays.Searches, Trigger = "test" });
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"/runs/{id}?code={BrowserSite.Stack.AdminKey}");

            // The page polls by itself: the progress bar appears once the first pages told how many there are.
            await Assertions.Expect(page.Locator("#progress")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#progress .label")).ToContainTextAsync("pages");
            await Assertions.Expect(page.Locator("#rewind")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator("#restart")).ToBeHiddenAsync();
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
            await page.Locator("#terminate").ClickAsync();

            await Assertions.Expect(page.Locator("#run")).ToHaveAttributeAsync("data-status", "Terminated", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#terminate")).ToBeHiddenAsync();
            Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await _site.Client.GetInstanceAsync(id))!.RuntimeStatus);
        }
        finally
        {
            _site.Simulator.State.Faults = new SimulatorFaults();
        }
    }

    [Fact]
    public async Task InsightsPage_EveryChart_RendersPlotlyTracesWithPoints()
    {
        var page = await OpenInsightsAsync();

        foreach (var chart in Charts)
        {
            var traces = await page.EvalOnSelectorAsync<int>($"#{chart}", "el => (el.data || []).length");
            var points = await page.EvalOnSelectorAsync<int>($"#{chart}", "el => (el.data || []).reduce((n, t) => n + (t.x ? t.x.length : 0), 0)");
            Assert.True(traces > 0, $"{chart}: no trace");
            Assert.True(points > 0, $"{chart}: no point");
            await Assertions.Expect(page.Locator($"#{chart} svg.main-svg").First).ToBeVisibleAsync();
        }

        // Drawn, not only given data: plotly's SVG holds the median line and the brand bars.
        await Assertions.Expect(page.Locator("#chart-price-trend .scatterlayer .trace")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#chart-top-brands .barlayer .point")).Not.ToHaveCountAsync(0);
        await SaveScreenshotAsync(page, "insights.png");
    }

    [Fact]
    public async Task InsightsPage_NewVsVanished_DrawsOutOfViewApartFromVanishedAsTheMartCountsThem()
    {
        var page = await OpenInsightsAsync();

        var names = JsonSerializer.Deserialize<List<string>>(await page.EvalOnSelectorAsync<string>("#chart-new-vs-vanished", "el => JSON.stringify(el.data.map(t => t.name))"))!;
        var days = JsonSerializer.Deserialize<List<string>>(await page.EvalOnSelectorAsync<string>("#chart-new-vs-vanished", "el => JSON.stringify(el.data[0].x)"))!;
        var vanished = await TraceYAsync(page, "chart-new-vs-vanished", names.FindIndex(n => n.StartsWith("vanished", StringComparison.Ordinal)));
        var outOfView = await TraceYAsync(page, "chart-new-vs-vanished", names.IndexOf("out of view"));

        // The demo's searches are capped: listings pushed past the cap are out of view, never counted as sold. The page
        // opens on EUR listings.
        Assert.Equal("EUR", await page.InputValueAsync("select[name=currency]"));
        Assert.True(outOfView.Sum() > 0, "capped searches leave listings out of view");
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(_site.ConnectionString);
        for (var i = 0; i < days.Count; i++)
        {
            var day = DateOnly.Parse(days[i], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(await CountAsync(dataSource, "select count(*) from mart.fact_listing_out_of_view where out_of_view_on = $1 and currency = 'EUR'", day), (long)outOfView[i]);
            Assert.Equal(await CountAsync(dataSource, "select count(*) from mart.fact_listing_vanished where vanished_on = $1 and currency = 'EUR'", day), (long)vanished[i]);
        }
    }

    private static async Task<long> CountAsync(Npgsql.NpgsqlDataSource dataSource, string sql, DateOnly day)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = day });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task InsightsPage_ChangingCurrencyAndDomain_RedrawsFromTheFilteredData()
    {
        var page = await OpenInsightsAsync();
        Assert.Equal("EUR", await page.InputValueAsync("select[name=currency]"));
        var eurMedian = await TraceYAsync(page, "chart-price-trend", 2);
        var allSeen = await TraceYAsync(page, "chart-new-vs-vanished", 2);

        await page.SelectOptionAsync("select[name=currency]", "PLN");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-loaded", "2");

        Assert.Contains("PLN", await page.EvalOnSelectorAsync<string>("#chart-price-trend", "el => el.data[2].name"), StringComparison.Ordinal);
        Assert.NotEqual(eurMedian, await TraceYAsync(page, "chart-price-trend", 2));
        Assert.Contains("currency=PLN", page.Url, StringComparison.Ordinal);

        await page.SelectOptionAsync("select[name=currency]", "EUR");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-loaded", "3");
        await page.SelectOptionAsync("select[name=domain]", "fr");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-loaded", "4");
        var frSeen = await TraceYAsync(page, "chart-new-vs-vanished", 2);
        Assert.Equal(allSeen.Count, frSeen.Count);
        Assert.All(allSeen.Zip(frSeen), p => Assert.True(p.Second < p.First, "one domain sees fewer listings than all of them"));
    }

    [Fact]
    public async Task AnyPage_NoKey_Refused401()
    {
        var page = await browser.NewPageAsync();

        var runs = await page.GotoAsync("/runs");
        var insights = await page.GotoAsync("/insights");
        var api = await page.APIRequest.GetAsync("/api/monitoring/runs");
        var wrong = await page.GotoAsync("/runs?code=not-the-key-not-the-key");
        var dashboard = await page.GotoAsync($"/dashboard?code={BrowserSite.Stack.AdminKey}");

        Assert.Equal(401, runs!.Status);
        Assert.Equal(401, insights!.Status);
        Assert.Equal(401, api.Status);
        Assert.Equal(401, wrong!.Status);
        Assert.Equal(404, dashboard!.Status); // the Hangfire dashboard is gone with Hangfire
    }

    private async Task<IPage> OpenInsightsAsync()
    {
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync($"/insights?code={BrowserSite.Stack.DefaultKey}");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-loaded", "1");
        await Assertions.Expect(page.Locator("#insights-error")).ToBeHiddenAsync();
        Assert.Empty(errors);
        return page;
    }

    private static async Task<List<double>> TraceYAsync(IPage page, string chart, int trace)
    {
        var json = await page.EvalOnSelectorAsync<string>($"#{chart}", $"el => JSON.stringify(el.data[{trace}].y)");
        return JsonSerializer.Deserialize<List<double>>(json)!;
    }

    /// <summary>Screenshots go with the test results; <c>VINTED_UPDATE_SCREENSHOTS=1</c> also refreshes the README's under docs/.</summary>
    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, name), bytes);
        if (Environment.GetEnvironmentVariable("VINTED_UPDATE_SCREENSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.Combine(LocalStack.RepoRoot, "docs"));
            await File.WriteAllBytesAsync(Path.Combine(LocalStack.RepoRoot, "docs", name), bytes);
        }
    }
}
