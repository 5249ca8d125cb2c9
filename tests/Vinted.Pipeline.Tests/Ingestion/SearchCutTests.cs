using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Api.Models;
using Vinted.Testing;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Options;
using Vinted.RawZone;
using Vinted.Simulator;

namespace Vinted.Pipeline.Tests.Ingestion;

/// <summary>
/// Issue 22 through the whole pipeline, the simulator over HTTP, the S3 server and PostgreSQL: cards without flat fields,
/// blocks of every shape, promoted cards, reshuffling orders, soft-blocked pages and the API's reach. Each test runs
/// its own dates and searches, so none depends on another's data. The simulator serves 480 results of a search at most;
/// the pipeline believes in 960, so it asks for pages the API no longer serves.
/// </summary>
public sealed class SearchCutTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PipelineHost.StartAsync(nameof(SearchCutTests), new SimulatorOptions { Listings = 20_000, Date = new(2026, 10, 1), MaxReachableResults = 480 });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private NpgsqlDataSource Db => _host.Services.GetRequiredService<NpgsqlDataSource>();

    private async Task<(OrchestrationMetadata Status, IngestionReport Report)> RunAsync(DateOnly day, SimulatorFaults faults, params SearchSpec[] searches)
    {
        _host.Simulator.State.Date = day;
        _host.Simulator.State.Faults = faults;
        try
        {
            var status = await _host.RunAsync(new PipelineInput { Date = day, Searches = searches });
            RunAssert.Completed(status);
            return (status, status.ReadOutputAs<RunReport>()!.Ingestion);
        }
        finally
        {
            _host.Simulator.State.Faults = new SimulatorFaults();
        }
    }

    [Fact]
    public async Task Run_CardsWithoutFlatFields_GiveTheSameMartAsCardsWithThem()
    {
        DateOnly day1 = new(2026, 10, 1), day2 = new(2026, 10, 2);
        var search = new VintedSearch { Domain = "pt", CatalogIds = [1206], PerPage = 96, Order = "newest_first" };

        await RunAsync(day1, new SimulatorFaults(), new SearchSpec { Search = search, MaxPages = 3 });
        var (status, _) = await RunAsync(day2, new SimulatorFaults { CardOnlyFraction = 1 }, new SearchSpec { Search = search, MaxPages = 3 });

        // Staging read every value from the card, as the ground truth has it (nothing carried from day 1 there).
        var truth = _host.Simulator.Marketplace.GroundTruth(day2, search).Listings.Take(3 * 96).ToDictionary(l => l.Id);
        var staged = await TestSql.QueryAsync(Db,
            "select item_id, brand_title, size_title, condition_title, attribute_source from staging.item_observation where run_id = $1",
            r => (Id: r.GetInt64(0), Brand: r.IsDBNull(1) ? null : r.GetString(1), Size: r.IsDBNull(2) ? null : r.GetString(2),
                Condition: r.IsDBNull(3) ? null : r.GetString(3), Source: r.IsDBNull(4) ? null : r.GetString(4)),
            status.InstanceId);
        Assert.Equal(truth.Count, staged.Count);
        Assert.All(staged, row =>
        {
            var listing = truth[row.Id];
            Assert.Equal((listing.BrandTitle, string.IsNullOrEmpty(listing.SizeTitle) ? null : listing.SizeTitle, listing.Status, "card"),
                (row.Brand, row.Size, row.Condition, row.Source));
        });

        // The mart: each listing of both days has the same brand, size and condition either way; only the source differs.
        var facts = await TestSql.QueryAsync(Db,
            """
            select f.snapshot_date, f.item_id, b.title, sz.title, c.title, f.attribute_source
            from mart.fact_listing_daily f
            join mart.dim_brand b on b.brand_key = f.brand_key
            join mart.dim_size sz on sz.size_key = f.size_key
            left join mart.dim_condition c on c.condition_key = f.condition_key
            where f.snapshot_date = any($1) and f.domain = 'pt'
            """,
            r => (Day: DateOnly.FromDateTime(r.GetDateTime(0)), Id: r.GetInt64(1), Brand: r.GetString(2), Size: r.GetString(3),
                Condition: r.IsDBNull(4) ? null : r.GetString(4), Source: r.IsDBNull(5) ? null : r.GetString(5)),
            new[] { day1, day2 });
        var first = facts.Where(f => f.Day == day1).ToDictionary(f => f.Id);
        var second = facts.Where(f => f.Day == day2).ToList();
        Assert.All(first.Values, f => Assert.Equal("flat", f.Source));
        Assert.All(second, f => Assert.Equal("card", f.Source));
        var both = second.Where(f => first.ContainsKey(f.Id)).ToList();
        Assert.True(both.Count > 100, $"the two days should share listings, got {both.Count}");
        Assert.All(both, f => Assert.Equal((first[f.Id].Brand, first[f.Id].Size, first[f.Id].Condition), (f.Brand, f.Size, f.Condition)));
        Assert.All(second, f => Assert.NotNull(f.Condition));
        Assert.Contains(second, f => f.Brand != "(none)");
        Assert.Contains(second, f => f.Size != "(none)");
        // And the price model's features can tell too.
        Assert.Equal(second.Count, await TestSql.ScalarAsync(Db,
            "select count(*) from mart.listing_features where snapshot_date = $1 and domain = 'pt' and attribute_source = 'card' and not promoted", day2));
    }

    [Fact]
    public async Task Run_DataDomeBlockedDomain_CompletesWithTheWarningAndNoListingOfItVanishes()
    {
        DateOnly day1 = new(2026, 10, 3), day2 = new(2026, 10, 4);
        var pt = new VintedSearch { Domain = "pt", CatalogIds = [1231], PerPage = 96, Order = "newest_first" };
        var fr = new VintedSearch { Domain = "fr", CatalogIds = [1231], PerPage = 96, Order = "newest_first" };
        SearchSpec[] searches = [new() { Search = pt, MaxPages = 2 }, new() { Search = fr, MaxPages = 2 }];
        await RunAsync(day1, new SimulatorFaults(), searches);

        // Day 2: DataDome stops everything sent to fr (the JSON captcha to API calls, the HTML challenge to the home page).
        var (status, report) = await RunAsync(day2, new SimulatorFaults { BlockedDomains = ["fr"], BlockShape = BlockShape.DataDome }, searches);
        await _host.WaitUntilRoutesCoolAsync();

        var scope = Assert.Single(report.IncompleteSearches, s => s.Domain == "fr");
        Assert.Equal((SearchCuts.Blocked, false), (scope.Cut, scope.Complete));
        Assert.Equal(nameof(VintedBlockKind.DataDomeCaptcha), scope.BlockKind); // the JSON 403 to an API call (the session was opened on day 1)
        Assert.Contains(report.Warnings, w => w.Contains("domain 'fr' is incomplete", StringComparison.Ordinal) && w.Contains("DataDome", StringComparison.Ordinal));
        Assert.DoesNotContain(report.IncompleteSearches, s => s.Domain == "pt" && s.Cut == SearchCuts.Blocked);
        Assert.Equal(0, await TestSql.ScalarAsync(Db, "select count(*) from core.item_vanish where domain = 'fr' and vanished_on = $1", day2));
        Assert.Equal(0, await TestSql.ScalarAsync(Db, "select count(*) from core.item_out_of_view where domain = 'fr' and out_of_view_on = $1", day2));
        Assert.True(await TestSql.ScalarAsync(Db, "select count(*) from core.item_sighting where domain = 'fr' and observed_date = $1", day1) > 0);
        Assert.Equal(0, await TestSql.ScalarAsync(Db, "select count(*) from core.item_sighting where domain = 'fr' and observed_date = $1", day2));
        Assert.True(await TestSql.ScalarAsync(Db, "select count(*) from core.item_sighting where domain = 'pt' and observed_date = $1", day2) > 0);
        Assert.Equal(0, await TestSql.ScalarAsync(Db, "select count(*) from staging.run_scope where run_id = $1 and domain = 'fr' and complete", status.InstanceId));
    }

    [Fact]
    public async Task Run_PromotedCards_NeitherCompleteNorVanishAScopeAndStayOutOfTheAggregates()
    {
        DateOnly day1 = new(2026, 10, 5), day2 = new(2026, 10, 6);
        var search = new VintedSearch { Domain = "pt", CatalogIds = [1904], StatusIds = [1], PerPage = 24, Order = "newest_first" };
        var truth = _host.Simulator.Marketplace.GroundTruth(day1, search);
        Assert.InRange(truth.TotalEntries, 30, 480); // a few pages, all within the API's reach: the scope can be complete

        var (status, report) = await RunAsync(day1, new SimulatorFaults { PromotedPerPage = 3 }, new SearchSpec { Search = search });

        // Complete: every result seen; the adverts are kept, counted apart, and counted neither as results nor as missing.
        Assert.DoesNotContain(report.IncompleteSearches, s => s.SearchKey == search.Key);
        var manifest = (await _host.Services.GetRequiredService<RawZoneStore>().ReadManifestAsync(status.InstanceId, day1, CancellationToken.None))!;
        var recorded = Assert.Single(manifest.Searches);
        Assert.Equal((true, truth.TotalEntries, truth.TotalEntries), (recorded.Complete, recorded.Announced, recorded.Seen));
        var pages = (int)((truth.TotalEntries + 23) / 24);
        Assert.Equal(3L * pages, recorded.Promoted);
        Assert.Equal(1, await TestSql.ScalarAsync(Db, "select count(*) from staging.run_scope where run_id = $1 and complete and promoted_items = $2", status.InstanceId, 3L * pages));
        Assert.Equal(3L * pages, await TestSql.ScalarAsync(Db, "select count(*) from staging.item_observation where run_id = $1 and promoted", status.InstanceId));
        var adverts = (await TestSql.QueryAsync(Db, "select item_id from core.item_sighting where observed_date = $1 and promoted", r => r.GetInt64(0), day1)).ToHashSet();
        Assert.NotEmpty(adverts);
        Assert.DoesNotContain(adverts, truth.Listings.Select(l => l.Id).Contains);
        Assert.Equal(adverts.Count, await TestSql.ScalarAsync(Db, "select count(*) from mart.fact_listing_daily where snapshot_date = $1 and promoted", day1));
        Assert.Equal(truth.Listings.Count,
            await TestSql.ScalarAsync(Db, "select coalesce(sum(listing_count), 0) from mart.agg_daily_brand_catalog where snapshot_date = $1", day1));
        Assert.All(status.ReadOutputAs<RunReport>()!.Quality, q => Assert.True(q.Passed, $"{q.Stage}/{q.Name}: {q.Observed} vs {q.Expected}"));

        // Day 2 without adverts: yesterday's adverts were never the scope's results, so none of them vanishes from it.
        await RunAsync(day2, new SimulatorFaults(), new SearchSpec { Search = search });
        var vanished = (await TestSql.QueryAsync(Db, "select item_id from core.item_vanish where vanished_on = $1", r => r.GetInt64(0), day2)).ToHashSet();
        Assert.DoesNotContain(adverts, vanished.Contains);
        var sold = _host.Simulator.Marketplace.Changes(day1, day2, search).Sold;
        Assert.Equal(sold.Order(), vanished.Order());
    }

    [Fact]
    public async Task Run_RelevanceSearch_IsNeverComplete()
    {
        var day = new DateOnly(2026, 10, 7);
        var search = new VintedSearch { Domain = "pt", CatalogIds = [1904], StatusIds = [1], PerPage = 96, Order = "relevance" };

        var (status, report) = await RunAsync(day, new SimulatorFaults(), new SearchSpec { Search = search });

        var scope = Assert.Single(report.IncompleteSearches);
        Assert.Equal(SearchCuts.ReshufflingOrder, scope.Cut);
        Assert.Contains(report.Warnings, w => w.Contains("relevance", StringComparison.Ordinal) && w.Contains(search.Key, StringComparison.Ordinal));
        Assert.Equal(0, await TestSql.ScalarAsync(Db, "select count(*) from core.scope_run where run_id = $1 and complete", status.InstanceId));
    }

    [Fact]
    public async Task Run_EmptyPageMidSearch_WarnsSoftBlockWithAnnouncedVsSeen()
    {
        var day = new DateOnly(2026, 10, 8);
        var soft = new VintedSearch { Domain = "pt", CatalogIds = [1206], PerPage = 24, Order = "newest_first" };
        var truth = _host.Simulator.Marketplace.GroundTruth(day, soft);
        Assert.True(truth.TotalEntries > 240, "ten full pages");

        var (status, report) = await RunAsync(day, new SimulatorFaults { EmptyPageRate = 0.3, MaxFaultedAttempts = 1 }, new SearchSpec { Search = soft, MaxPages = 10 });

        // A page answered 200 with no items while a later one had some: a soft block, with the counts.
        var scope = Assert.Single(report.IncompleteSearches);
        Assert.Equal(SearchCuts.SoftBlock, scope.Cut);
        Assert.Equal(truth.TotalEntries, scope.Announced);
        Assert.InRange(scope.Seen, 1, 240 - 24);
        Assert.Contains(report.Warnings, w => w.Contains(soft.Key, StringComparison.Ordinal) && w.Contains("soft-blocked", StringComparison.Ordinal)
            && w.Contains($"Announced {truth.TotalEntries} listings, seen {scope.Seen}", StringComparison.Ordinal));
        Assert.Equal(0, await TestSql.ScalarAsync(Db, "select count(*) from core.scope_run where run_id = $1 and complete", status.InstanceId));
    }

    [Fact]
    public async Task Run_SearchAnnouncingMoreThanTheApiServes_WarnsReachWithAnnouncedVsSeen()
    {
        var day = new DateOnly(2026, 10, 9);
        var deep = new VintedSearch { Domain = "fr", PerPage = 96, Order = "newest_first" };
        var truth = _host.Simulator.Marketplace.GroundTruth(day, deep);
        Assert.True(truth.TotalEntries > 960, "the search must announce more than the pipeline asks for");

        var (status, report) = await RunAsync(day, new SimulatorFaults(), new SearchSpec { Search = deep, MaxPages = 10 });

        // The API served 480 of the results it announced: pages 6 to 10 came back empty, and the run says so.
        var scope = Assert.Single(report.IncompleteSearches);
        Assert.Equal((SearchCuts.Reach, truth.TotalEntries, 480L), (scope.Cut, scope.Announced, scope.Seen));
        Assert.Contains(report.Warnings, w => w.Contains(deep.Key, StringComparison.Ordinal) && w.Contains("reach", StringComparison.Ordinal)
            && w.Contains($"Announced {truth.TotalEntries} listings, seen 480", StringComparison.Ordinal));
        Assert.Equal(0, await TestSql.ScalarAsync(Db, "select count(*) from core.scope_run where run_id = $1 and complete", status.InstanceId));
    }
}
