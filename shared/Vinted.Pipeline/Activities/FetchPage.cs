using Vinted.Api;
using Vinted.Api.Models;
using Vinted.Api.Parsing;
using Microsoft.DurableTask;
using Vinted.Pipeline.Retries;
using Vinted.RawZone;

namespace Vinted.Pipeline.Activities;

/// <summary>One page to fetch for a run; pages after the first carry the result-set time the first page pinned.</summary>
public sealed record PageRequest(string RunId, DateOnly Date, VintedSearch Search, int Page, long? PinnedTime = null)
{
    /// <summary>
    /// Page 1's listing of the search's stored pages did not show this page, and the first page of its range is not
    /// stored (<see cref="FetchPages"/>): fetch it without looking for it first; without the hint the fetch looks first.
    /// </summary>
    public bool KnownAbsent { get; init; }
}

/// <summary>A fetched and stored page, with what the fan-out needs to know of the search's extent.</summary>
/// <param name="TotalPages">Pages the API announces (1 without pagination, or when this page was empty).</param>
/// <param name="PerPage">Results per page the API used.</param>
/// <param name="PinnedTime">The <c>time</c> that pins the result set across pages.</param>
/// <param name="Warning">A problem that did not stop the page from loading (no pagination).</param>
/// <param name="Reused">The page was found stored by an earlier execution of this fetch and not fetched again.</param>
/// <param name="Blocked">Why the page could not be fetched (Vinted blocked every route of its domain); then nothing is stored.</param>
public sealed record FetchResult(StoredPage? Stored, int TotalPages, int PerPage, long? PinnedTime, string? Warning, bool Reused = false, string? Blocked = null)
{
    /// <summary>The page's <c>total_entries</c>: what the search announces.</summary>
    public long? TotalEntries { get; init; }

    /// <summary>Promoted cards among the page's items: adverts, not results of the search.</summary>
    public int Promoted { get; init; }

    /// <summary>The anti-bot layer and shape that blocked the page; null unless <see cref="FetchResult.Blocked"/>.</summary>
    public VintedBlockKind? BlockKind { get; init; }

    /// <summary>Page 1 only: the numbers of the search's pages stored in the run when it ran (an earlier execution's), listed once for every page.</summary>
    public IReadOnlyList<int>? StoredPages { get; init; }

    /// <summary>The page's results: its items less the promoted cards; 0 when nothing loadable was stored.</summary>
    public int Results => Stored is { Quarantined: false } stored ? Math.Max(0, stored.ItemCount - Promoted) : 0;
}

/// <summary>
/// Fetches one page through the client (rate limit, session, transient retries) and stores the bytes in the
/// raw zone. Idempotent: a rerun rewrites the same key. A body that is not a page is quarantined, not
/// loaded, and does not fail the run. A block (every route of the domain blocked, after rotating through its proxies)
/// of any shape (DataDome's JSON captcha or HTML challenge, Cloudflare's page or error 1020) is an outcome, not a
/// failure: the page is reported missing with the reason and the block's kind, nothing is stored, the run goes on.
/// A refused request fails the step at once. A page that an earlier execution already stored (the activity was
/// re-delivered after a crash, or the run restarted) is reused, not fetched again; page 1's extent (pages, pinned time)
/// is read back from its stored bytes. Page 1 lists the search's stored pages once, so the other pages, fetched by
/// <see cref="FetchPages"/> a range at a time, look for themselves (a HEAD) only when they may be there
/// (<see cref="PageRequest.KnownAbsent"/>).
/// </summary>
public sealed class FetchPage(IVintedClient client, RawZoneStore rawZone) : TaskActivity<PageRequest, FetchResult>
{
    public override async Task<FetchResult> RunAsync(TaskActivityContext context, PageRequest input)
    {
        // Microsoft.DurableTask gives activities no token: terminate does not stop them, their results are discarded.
        var cancellationToken = CancellationToken.None;
        var address = AddressOf(input);
        var storedPages = input.Page == 1 ? await rawZone.ListStoredPagesAsync(address, cancellationToken) : null;
        var mayBeStored = storedPages?.Contains(input.Page) ?? !input.KnownAbsent;
        var stored = mayBeStored ? await rawZone.FindPageAsync(address, cancellationToken) : null;
        return await ReuseOrFetchAsync(input, stored, cancellationToken) with { StoredPages = storedPages };
    }

    /// <summary>The page as the raw zone holds it already (a HEAD), or null.</summary>
    internal Task<StoredPage?> FindAsync(PageRequest input, CancellationToken cancellationToken) =>
        rawZone.FindPageAsync(AddressOf(input), cancellationToken);

    /// <summary>Reuses <paramref name="stored"/> when an earlier attempt stored the page; otherwise fetches and stores it.</summary>
    internal Task<FetchResult> ReuseOrFetchAsync(PageRequest input, StoredPage? stored, CancellationToken cancellationToken) =>
        stored is not null ? ReuseAsync(input, stored, cancellationToken) : FetchAndStoreAsync(input, AddressOf(input), cancellationToken);

    private PageAddress AddressOf(PageRequest input) =>
        new(input.Search.Domain, EndpointSlug(client.EndpointFor(input.Search)), input.Date, input.RunId, input.Search.Key, input.Page);

    private async Task<FetchResult> ReuseAsync(PageRequest input, StoredPage stored, CancellationToken cancellationToken)
    {
        PipelineTelemetry.Page(input.Search.Domain, "reused");
        // Read back: page 1's extent, and every page's promoted cards, which completeness must not count.
        var inspection = VintedPageParser.Inspect(await rawZone.ReadPageAsync(stored, cancellationToken));
        if (input.Page > 1)
        {
            return new FetchResult(stored, input.Page, input.Search.PerPage, input.PinnedTime, null, Reused: true)
            {
                TotalEntries = inspection.Pagination?.TotalEntries,
                Promoted = inspection.PromotedCount,
            };
        }

        return new FetchResult(
            stored, TotalPages(inspection.Pagination, inspection.ItemCount, 1), inspection.Pagination?.PerPage ?? input.Search.PerPage,
            inspection.Pagination?.Time, inspection.Problem, Reused: true)
        {
            TotalEntries = inspection.Pagination?.TotalEntries,
            Promoted = inspection.PromotedCount,
        };
    }

    private async Task<FetchResult> FetchAndStoreAsync(PageRequest input, PageAddress address, CancellationToken cancellationToken)
    {
        FetchedPage fetched;
        try
        {
            var search = input.PinnedTime is { } time && input.Search.Kind == VintedSearchKind.Catalog ? input.Search with { Time = time } : input.Search;
            fetched = await client.FetchPageAsync(search, input.Page, cancellationToken);
        }
        catch (VintedBlockedException e)
        {
            // Retrying a block in the same run only deepens it: the page is missing, the search incomplete, and a restart
            // of the run later fetches it (and only what is missing).
            PipelineTelemetry.Page(input.Search.Domain, "blocked");
            return new FetchResult(null, input.Page, input.Search.PerPage, input.PinnedTime, null, Blocked: e.Message) { BlockKind = e.Kind };
        }
        catch (VintedApiException e) when (!e.IsTransient)
        {
            // A refused request (4xx) will be refused again.
            throw new NonRetryableException(e.Message, e);
        }

        var written = await rawZone.WritePageAsync(
            new PageToStore(
                address,
                fetched.Body,
                fetched.RequestUri.ToString(),
                fetched.StatusCode,
                fetched.ContentType,
                fetched.FetchedAt,
                fetched.ItemCount,
                fetched.ShouldQuarantine ? fetched.Problem ?? fetched.ProblemKind.ToString() : null),
            cancellationToken);
        PipelineTelemetry.Page(input.Search.Domain, written.Quarantined ? "quarantined" : "fetched");
        return new FetchResult(
            written, TotalPages(fetched.Pagination, fetched.ItemCount, input.Page), fetched.Pagination?.PerPage ?? input.Search.PerPage,
            fetched.Pagination?.Time, fetched.ShouldQuarantine ? null : fetched.Problem)
        {
            TotalEntries = fetched.Pagination?.TotalEntries,
            Promoted = fetched.PromotedCount,
        };
    }

    /// <summary>Pages the API announces; this page's number without pagination or when it was empty (see <see cref="FetchedPage.HasNextPage"/>).</summary>
    private static int TotalPages(VintedPagination? pagination, int items, int page) =>
        pagination is { } p && items > 0 && p.CurrentPage < p.TotalPages ? p.TotalPages : page;

    /// <summary>The endpoint's name in raw-zone keys.</summary>
    public static string EndpointSlug(VintedEndpoint endpoint) => endpoint switch
    {
        VintedEndpoint.CatalogCurrent => "catalog",
        VintedEndpoint.CatalogLegacy => "catalog-legacy",
        VintedEndpoint.SellerUsers => "user-items",
        VintedEndpoint.SellerWardrobe => "wardrobe",
        _ => endpoint.ToString().ToLowerInvariant(),
    };
}
