using Vinted.RawZone;

namespace Vinted.Warehouse.Staging;

/// <summary>
/// One search scope of a run (a domain and search key) and whether its whole result set was fetched. Complete means:
/// page 1 announced <c>total_entries</c>, the fetched pages run from 1 without a gap and their items reach it, no page
/// before the last came back empty (the API's reach ended early), no page was quarantined and no item rejected.
/// Only a complete scope lets "not seen today" mean the listing is gone; a capped search is never complete. Promoted
/// cards (adverts) are not the search's results: <see cref="Items"/> does not count them. And ingestion's own verdict
/// (<see cref="SearchScopeStatus.Complete"/>: a reshuffling order, a soft block) is a condition too.
/// </summary>
internal sealed record ScopeExtent(
    string Domain,
    string SearchKey,
    string Endpoint,
    int Pages,
    int QuarantinedPages,
    long Items,
    long? TotalEntries,
    int LastPage,
    int EmptyPagesBeforeLast,
    long RejectedItems,
    long PromotedItems = 0,
    bool IngestedComplete = true)
{
    public bool Complete =>
        IngestedComplete && QuarantinedPages == 0 && RejectedItems == 0 && EmptyPagesBeforeLast == 0
        && TotalEntries is { } total && Items >= total && Pages == LastPage;

    /// <summary>
    /// The scopes of a run, from its manifest (every page, quarantined or not, and the pages a blocked domain kept from
    /// it, counted as quarantined) and what loading its pages found.
    /// </summary>
    public static IReadOnlyList<ScopeExtent> Of(RunManifest manifest, IReadOnlyList<PageLoad> loads)
    {
        var loaded = loads.ToDictionary(l => l.Page.Key, StringComparer.Ordinal);
        var missing = manifest.Searches.ToDictionary(s => (s.Domain, s.SearchKey), s => s.MissingPages.Count);
        var ingested = manifest.Searches.ToDictionary(s => (s.Domain, s.SearchKey), s => s.Complete);
        return manifest.Pages
            .GroupBy(p => (p.Address.Domain, p.Address.SearchKey))
            .Select(g =>
            {
                var pages = g.ToList();
                var last = pages.Max(p => p.Address.Page);
                var first = pages.FirstOrDefault(p => p.Address.Page == 1) is { } one ? loaded.GetValueOrDefault(one.Key) : null;
                var scopeLoads = pages.Select(p => loaded.GetValueOrDefault(p.Key)).OfType<PageLoad>().ToList();
                return new ScopeExtent(
                    g.Key.Domain,
                    g.Key.SearchKey,
                    pages[0].Address.Endpoint,
                    pages.Select(p => p.Address.Page).Distinct().Count(),
                    pages.Count(p => p.Quarantined) + missing.GetValueOrDefault(g.Key),
                    scopeLoads.Sum(l => (long)(l.Items - l.Promoted)),
                    first?.TotalEntries,
                    last,
                    scopeLoads.Count(l => l.Items - l.Promoted == 0 && l.Page.Address.Page < last),
                    scopeLoads.Sum(l => (long)l.Rejects.Count),
                    scopeLoads.Sum(l => (long)l.Promoted),
                    ingested.GetValueOrDefault(g.Key, true));
            })
            .ToList();
    }
}
