using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Api.Models;
using Vinted.Testing;
using Vinted.Pipeline.Models;
using Vinted.RawZone;
using Vinted.Simulator;

namespace Vinted.Warehouse.Tests;

/// <summary>
/// Issue 22 through the whole pipeline: day 2's vanished listings are looked up on their item pages served by the
/// simulator over HTTP, and sold, withdrawn and unknown come out as the simulator's ground truth says they must.
/// </summary>
public sealed class VanishedOutcomeTests
{
    private static readonly DateOnly Day1 = new(2026, 10, 1);
    // A week later: the scope's previous run is day 1's, so what left it all week vanished on day 2.
    private static readonly DateOnly Day2 = new(2026, 10, 8);

    // Narrow enough to be fetched whole (a complete scope: what leaves it has vanished).
    private static readonly VintedSearch Complete = VintedSearch.Catalog("pt") with { CatalogIds = [1206], PerPage = 96 };

    [Fact]
    public async Task DailyRun_VanishedListings_SplitIntoSoldWithdrawnUnknownAsGroundTruthSays()
    {
        await using var host = await PipelineHost.StartAsync(nameof(VanishedOutcomeTests),
            new SimulatorOptions { Listings = 20_000, Date = Day1, MaxReachableResults = 2_000, WithdrawnFraction = 0.3, UnclearPageFraction = 0.2 });
        var market = host.Simulator.Marketplace;
        Assert.True(market.GroundTruth(Day1, Complete).TotalEntries < 2_000, "the search must fit the reachable results");
        await host.RunAsync(new PipelineInput { Date = Day1, Searches = [new() { Search = Complete }], Trigger = "test" });
        host.Simulator.State.Date = Day2;

        var status = await host.RunAsync(new PipelineInput { Date = Day2, Searches = [new() { Search = Complete }], Trigger = "test" });

        // The ground truth: what left the search, and how each one left and what its page then shows.
        var left = market.Changes(Day1, Day2, Complete).Sold.Select(id => (Id: id, Exit: market.ExitOf("pt", id)!)).ToList();
        var sold = left.Where(l => !l.Exit.Withdrawn && !l.Exit.PageUnclear).Select(l => l.Id).Order().ToList();
        var withdrawn = left.Where(l => l.Exit.Withdrawn && !l.Exit.PageUnclear).Select(l => l.Id).Order().ToList();
        var unknown = left.Where(l => l.Exit.PageUnclear).Select(l => l.Id).Order().ToList();
        Assert.True(sold.Count > 0 && withdrawn.Count > 0 && unknown.Count > 0, $"the day must hold each kind: {sold.Count} sold, {withdrawn.Count} withdrawn, {unknown.Count} unknown");

        var report = status.ReadOutputAs<RunReport>()!.Vanished!;
        Assert.Equal((left.Count, left.Count, 0, 0, 0L), (report.Vanished, report.LookedUp, report.Reused, report.Failed, report.NotSampled));
        Assert.Equal((sold.Count, withdrawn.Count, unknown.Count), ((int)report.Sold, (int)report.Withdrawn, (int)report.Unknown));
        Assert.Empty(report.Warnings);

        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        async Task<List<long>> Ids(string outcome) => await TestSql.QueryAsync(dataSource,
            "select item_id from mart.fact_listing_vanished where vanished_on = $1 and outcome = $2 order by item_id", r => r.GetInt64(0), Day2, outcome);
        Assert.Equal(sold, await Ids("sold"));
        Assert.Equal(withdrawn, await Ids("withdrawn"));
        Assert.Equal(unknown, await Ids("unknown"));
        Assert.Equal(
            (left.Count, sold.Count, withdrawn.Count, unknown.Count),
            (await Sum("vanished_listings"), await Sum("sold_listings"), await Sum("withdrawn_listings"), await Sum("unknown_outcome_listings")));

        // Time to sell counts sold listings only.
        var expectedDays = await TestSql.QueryAsync(dataSource,
            """
            select domain, brand_key, catalog_key, currency, round(avg(days_first_seen_to_vanished), 2)
            from mart.fact_listing_vanished where vanished_on = $1 and outcome = 'sold' group by 1, 2, 3, 4 order by 1, 2, 3, 4
            """, r => (r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetDecimal(4)), Day2);
        var actualDays = await TestSql.QueryAsync(dataSource,
            """
            select domain, brand_key, catalog_key, currency, avg_days_to_sell
            from mart.agg_daily_brand_catalog where snapshot_date = $1 and avg_days_to_sell is not null order by 1, 2, 3, 4
            """, r => (r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.GetDecimal(4)), Day2);
        Assert.Equal(expectedDays, actualDays);

        // Every page is in the raw zone as served, the 404s too, with the verdict's evidence beside it.
        var rawZone = host.Services.GetRequiredService<RawZoneStore>();
        var withdrawnPage = await rawZone.FindItemPageAsync("pt", Day2, status.InstanceId, withdrawn[0], CancellationToken.None);
        Assert.Equal($"{host.S3Prefix}/raw/pt/item-page/dt=2026-10-08/run={status.InstanceId}/items/{withdrawn[0]}.html", withdrawnPage!.Key);
        Assert.Equal(404, withdrawnPage.HttpStatus);
        var soldPage = await rawZone.FindItemPageAsync("pt", Day2, status.InstanceId, sold[0], CancellationToken.None);
        Assert.Contains("https://schema.org/SoldOut", System.Text.Encoding.UTF8.GetString(await rawZone.ReadVerifiedAsync(soldPage!.Key, soldPage.Sha256, CancellationToken.None)), StringComparison.Ordinal);
        Assert.Equal(left.Count, await TestSql.ScalarAsync(dataSource,
            "select count(*) from core.item_vanish_outcome where vanished_on = $1 and run_id = $2 and s3_key is not null and reason <> ''", Day2, status.InstanceId));

        // A restart of the run reuses the stored pages: no item page is asked for again, and the split stays.
        var before = host.Simulator.State.Count("requests:ItemPage");
        await host.Client.RestartAsync(status.InstanceId);
        var restarted = await host.Client.WaitForFinishAsync(status.InstanceId, TimeSpan.FromMinutes(3), after: status.LastUpdatedAt);
        var again = restarted.ReadOutputAs<RunReport>()!.Vanished!;
        Assert.Equal(before, host.Simulator.State.Count("requests:ItemPage"));
        Assert.Equal((0, left.Count, sold.Count, withdrawn.Count, unknown.Count), (again.LookedUp, again.Reused, (int)again.Sold, (int)again.Withdrawn, (int)again.Unknown));

        Task<long> Sum(string column) => TestSql.ScalarAsync(dataSource, $"select coalesce(sum({column}), 0) from mart.agg_daily_brand_catalog where snapshot_date = $1", Day2);
    }

    [Fact]
    public async Task DailyRun_MoreVanishedThanTheCap_LooksUpASampleAndTheRestStaysUnknown()
    {
        await using var host = await PipelineHost.StartAsync($"{nameof(VanishedOutcomeTests)}_cap",
            new SimulatorOptions { Listings = 20_000, Date = Day1, MaxReachableResults = 2_000 }, "--VanishedLookup:MaxPerDomain=3", "--VanishedLookup:BatchSize=2");
        await host.RunAsync(new PipelineInput { Date = Day1, Searches = [new() { Search = Complete }], Trigger = "test" });
        host.Simulator.State.Date = Day2;

        var status = await host.RunAsync(new PipelineInput { Date = Day2, Searches = [new() { Search = Complete }], Trigger = "test" });

        var left = host.Simulator.Marketplace.Changes(Day1, Day2, Complete).Sold.Count;
        Assert.True(left > 3, "more listings must vanish than the cap");
        var report = status.ReadOutputAs<RunReport>()!.Vanished!;
        Assert.Equal((left, 3, left - 3L), (report.Vanished, report.LookedUp, report.NotSampled));
        Assert.Equal(3, host.Simulator.State.Count("requests:ItemPage"));
        Assert.Equal(left, report.Sold + report.Withdrawn + report.Unknown);
        Assert.True(report.Unknown >= left - 3);
    }

    [Fact]
    public async Task DailyRun_ItemPagesBlocked_RunCompletesAndEveryVanishedListingStaysUnknown()
    {
        await using var host = await PipelineHost.StartAsync($"{nameof(VanishedOutcomeTests)}_blocked",
            new SimulatorOptions { Listings = 20_000, Date = Day1, MaxReachableResults = 2_000 }, "--VanishedLookup:BatchSize=4");
        await host.RunAsync(new PipelineInput { Date = Day1, Searches = [new() { Search = Complete }], Trigger = "test" });
        host.Simulator.State.Date = Day2;
        host.Simulator.State.Faults = new SimulatorFaults { ItemPageAntiBotRate = 1 };

        var status = await host.RunAsync(new PipelineInput { Date = Day2, Searches = [new() { Search = Complete }], Trigger = "test" });

        RunAssert.Completed(status);
        var left = host.Simulator.Marketplace.Changes(Day1, Day2, Complete).Sold.Count;
        var report = status.ReadOutputAs<RunReport>()!.Vanished!;
        Assert.Equal((left, 0, left, 0L, 0L, (long)left), (report.Vanished, report.LookedUp, report.Failed, report.Sold, report.Withdrawn, report.Unknown));
        Assert.Contains(report.Warnings, w => w.Contains("blocked", StringComparison.Ordinal));
        Assert.True(host.Simulator.State.Count("faults:item_page_anti_bot") > 0);
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        Assert.Equal(left, await TestSql.ScalarAsync(dataSource, "select count(*) from mart.fact_listing_vanished where vanished_on = $1 and outcome = 'unknown'", Day2));
        Assert.Equal(0, await TestSql.ScalarAsync(dataSource, "select count(*) from mart.agg_daily_brand_catalog where snapshot_date = $1 and avg_days_to_sell is not null", Day2));
        Assert.Equal(left, await TestSql.ScalarAsync(dataSource,
            "select count(*) from core.item_vanish_outcome where vanished_on = $1 and outcome = 'unknown' and reason like '%blocked%' and s3_key is null", Day2));
    }
}
