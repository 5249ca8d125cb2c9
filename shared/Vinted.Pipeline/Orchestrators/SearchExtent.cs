using Vinted.Api.Models;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.RawZone;

namespace Vinted.Pipeline.Orchestrators;

/// <summary>
/// Whether a search's pages are its whole result set, and if not what cut it (issue 22). Complete means: page 1
/// announced total_entries and the stored pages, all of one snapshot, show that many results (promoted cards not
/// counted). Each cut is named with the listings announced and seen, so the run report says why, not only that.
/// A pure function of the pages: the orchestrator calls it on replay and gets the same answer.
/// </summary>
internal static class SearchExtent
{
    public static SearchScopeStatus Of(PlannedSearch planned, int lastPage, IReadOnlyList<FetchResult> pages)
    {
        var search = planned.Search;
        var first = pages[0];
        var missing = Enumerable.Range(1, pages.Count).Where(page => pages[page - 1].Blocked is not null).ToList();
        var announced = first.Blocked is null ? first.TotalEntries ?? first.Results : (long?)null;
        var seen = pages.Sum(p => (long)p.Results);
        var promoted = pages.Where(p => p.Stored is { Quarantined: false }).Sum(p => (long)p.Promoted);
        var announcedPages = announced is { } total ? (int)Math.Max(1, (total + first.PerPage - 1) / first.PerPage) : (int?)null;

        // Stored pages with no results before the last page that had some: a soft block; empty pages to the end before
        // the announced last page: the API's reach ended.
        var loaded = pages.Select((p, i) => (Page: i + 1, Fetch: p)).Where(x => x.Fetch.Stored is { Quarantined: false }).ToList();
        var lastWithResults = loaded.Where(x => x.Fetch.Results > 0).Select(x => x.Page).DefaultIfEmpty(0).Max();
        var softBlocked = loaded.Where(x => x.Fetch.Results == 0 && x.Page < lastWithResults).Select(x => x.Page).ToList();
        var reachEnded = announced > seen && loaded.Any(x => x.Fetch.Results == 0 && x.Page > lastWithResults && x.Page <= announcedPages);
        var capped = announcedPages is { } all && lastPage < all;

        var cuts = new List<(string Cut, string Why)>();
        if (missing.Count > 0)
        {
            var kind = pages.Select(p => p.BlockKind).FirstOrDefault(k => k is not null) ?? VintedBlockKind.AntiBotPage;
            cuts.Add((SearchCuts.Blocked,
                $"blocked by {kind.Describe()}: {missing.Count} page(s) not fetched ({string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}). " +
                pages.First(p => p.Blocked is not null).Blocked));
        }

        if (softBlocked.Count > 0)
        {
            cuts.Add((SearchCuts.SoftBlock,
                $"soft-blocked: page(s) {string.Join(", ", softBlocked.Take(10))} answered 200 with no items in the middle of the search"));
        }

        if (reachEnded || capped && planned.CappedByReach)
        {
            cuts.Add((SearchCuts.Reach, $"the API's reach ended at {seen} results, before the {announced} total_entries announced"));
        }
        else if (capped)
        {
            cuts.Add((SearchCuts.PageCap, $"the page cap ({planned.MaxPages} page(s)) stopped it before the {announcedPages} pages announced"));
        }

        if (string.Equals(search.Order, "relevance", StringComparison.OrdinalIgnoreCase))
        {
            cuts.Add((SearchCuts.ReshufflingOrder, "it orders by relevance, which Vinted re-ranks on every call: its pages are not one snapshot, so it is never complete (use newest_first)"));
        }

        if (cuts.Count == 0 && announced is { } expected && seen < expected)
        {
            cuts.Add((SearchCuts.Short, "some pages could not be loaded (quarantined)"));
        }

        return new SearchScopeStatus(
            search.Domain, search.Key, cuts.Count == 0, first.Blocked is null ? lastPage : null, pages.Count(p => p.Stored is not null), missing,
            cuts.Count == 0 ? null : string.Join("; ", cuts.Select(c => c.Why)))
        {
            Cut = cuts.Count == 0 ? null : cuts[0].Cut,
            BlockKind = pages.Select(p => p.BlockKind).FirstOrDefault(k => k is not null)?.ToString(),
            Announced = announced,
            Seen = seen,
            Promoted = promoted,
        };
    }
}
