using Vinted.Api.Models;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Orchestrators;
using Vinted.RawZone;

namespace Vinted.Pipeline.Tests;

/// <summary>Issue 22: what cut a search, from its pages alone (the orchestrator's pure verdict).</summary>
public sealed class SearchExtentTests
{
    private static readonly VintedSearch Search = new() { Domain = "pt", PerPage = 10, Order = "newest_first" };

    private static FetchResult Page(int page, int items, long total = 50, int promoted = 0) =>
        new(new StoredPage($"k{page}", new PageAddress("pt", "catalog", new DateOnly(2026, 10, 1), "run", Search.Key, page), "", 0, items + promoted, 200, "u", DateTimeOffset.UnixEpoch, null),
            (int)((total + 9) / 10), 10, 1, null)
        { TotalEntries = total, Promoted = promoted };

    private static FetchResult Blocked(int page) =>
        new(null, page, 10, 1, null, Blocked: "every route blocked") { BlockKind = VintedBlockKind.DataDomeCaptcha };

    [Fact]
    public void Of_EveryResultSeenPromotedCardsApart_IsComplete()
    {
        var scope = SearchExtent.Of(new PlannedSearch(Search, 20), 5, [.. Enumerable.Range(1, 5).Select(p => Page(p, 10, promoted: 2))]);

        Assert.True(scope.Complete);
        Assert.Equal((null, 50L, 50L, 10L), (scope.Cut, scope.Announced, scope.Seen, scope.Promoted));
    }

    [Fact]
    public void Of_PromotedCardsFillingTheGap_DoNotMakeItComplete()
    {
        // 4 pages of results and 12 adverts add up to the 50 announced: still 10 results short.
        var scope = SearchExtent.Of(new PlannedSearch(Search, 20), 5, [Page(1, 10, promoted: 3), Page(2, 10, promoted: 3), Page(3, 10, promoted: 3), Page(4, 10, promoted: 3), Page(5, 0)]);

        Assert.False(scope.Complete);
        Assert.Equal((SearchCuts.Reach, 40L), (scope.Cut, scope.Seen));
    }

    [Fact]
    public void Of_EmptyPageBeforeAFullOne_IsASoftBlock()
    {
        var scope = SearchExtent.Of(new PlannedSearch(Search, 20), 5, [Page(1, 10), Page(2, 0), Page(3, 10), Page(4, 10), Page(5, 10)]);

        Assert.Equal((false, SearchCuts.SoftBlock, 40L), (scope.Complete, scope.Cut, scope.Seen));
        Assert.Contains("page(s) 2 answered 200 with no items", scope.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_CappedByThePlan_SaysPageCapOrReach()
    {
        FetchResult[] pages = [Page(1, 10), Page(2, 10)];

        Assert.Equal(SearchCuts.PageCap, SearchExtent.Of(new PlannedSearch(Search, 2), 2, pages).Cut);
        Assert.Equal(SearchCuts.Reach, SearchExtent.Of(new PlannedSearch(Search, 2) { CappedByReach = true }, 2, pages).Cut);
    }

    [Fact]
    public void Of_BlockedPage_NamesTheBlockKindFirst()
    {
        var scope = SearchExtent.Of(new PlannedSearch(Search, 20), 5, [Page(1, 10), Page(2, 10), Blocked(3), Page(4, 10), Page(5, 10)]);

        Assert.Equal((SearchCuts.Blocked, nameof(VintedBlockKind.DataDomeCaptcha), 40L), (scope.Cut, scope.BlockKind, scope.Seen));
        Assert.Equal([3], scope.MissingPages);
        Assert.Contains("DataDome captcha (403 JSON)", scope.Reason, StringComparison.Ordinal);
        Assert.Contains("Announced 50 listings, seen 40", IngestionReport.Warning(scope), StringComparison.Ordinal);
    }

    [Fact]
    public void Of_RelevanceOrder_IsNeverComplete()
    {
        var relevance = Search with { Order = "relevance" };
        var scope = SearchExtent.Of(new PlannedSearch(relevance, 20), 1, [Page(1, 5, total: 5)]);

        Assert.Equal((false, SearchCuts.ReshufflingOrder), (scope.Complete, scope.Cut));
    }

    [Fact]
    public void Of_SearchWithNoResults_IsComplete()
    {
        var scope = SearchExtent.Of(new PlannedSearch(Search, 20), 1, [Page(1, 0, total: 0)]);

        Assert.Equal((true, null, 0L, 0L), (scope.Complete, scope.Cut, scope.Announced, scope.Seen));
    }
}
