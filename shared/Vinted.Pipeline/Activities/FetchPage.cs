using Vinted.Api;
using Vinted.Api.Models;
using Microsoft.DurableTask;
using Vinted.Pipeline.Retries;
using Vinted.RawZone;

namespace Vinted.Pipeline.Activities;

/// <summary>One page to fetch for a run; pages after the first carry the result-set time the first page pinned.</summary>
public sealed record PageRequest(string RunId, DateOnly Date, VintedSearch Search, int Page, long? PinnedTime = null);

/// <summary>A fetched and stored page, with what the fan-out needs to know of the search's extent.</summary>
/// <param name="TotalPages">Pages the API announces (1 without pagination, or when this page was empty).</param>
/// <param name="PerPage">Results per page the API used.</param>
/// <param name="PinnedTime">The <c>time</c> that pins the result set across pages.</param>
/// <param name="Warning">A problem that did not stop the page from loading (no pagination).</param>
/// <param name="Reused">The page was found stored by an earlier execution of this fetch and not fetched again.</param>
public sealed record FetchResult(StoredPage Stored, int TotalPages, int PerPage, long? PinnedTime, string? Warning, bool Reused = false);

/// <summary>
/// Fetches one page through the client (rate limit, session, transient retries) and stores the bytes in the
/// raw zone. Idempotent: a rerun rewrites the same key. A body that is not a page is quarantined, not
/// loaded, and does not fail the run; a block or a refused request fails the step at once. A page after the first
/// that an earlier execution already stored (the activity was re-delivered after a crash, or the run restarted) is
/// reused, not fetched again; page 1 is always fetched, as it tells the search's extent.
/// </summary>
public sealed class FetchPage(IVintedClient client, RawZoneStore rawZone) : TaskActivity<PageRequest, FetchResult>
{
    public override async Task<FetchResult> RunAsync(TaskActivityContext context, PageRequest input)
    {
        // Microsoft.DurableTask gives activities no token: terminate does not stop them, their results are discarded.
        var cancellationToken = CancellationToken.None;
        var address = new PageAddress(input.Search.Domain, EndpointSlug(client.EndpointFor(input.Search)), input.Date, input.RunId, input.Search.Key, input.Page);
        if (input.Page > 1 && await rawZone.FindPageAsync(address, cancellationToken) is { } stored)
        {
            return new FetchResult(stored, input.Page, input.Search.PerPage, input.PinnedTime, null, Reused: true);
        }

        FetchedPage fetched;
        try
        {
            var search = input.PinnedTime is { } time && input.Search.Kind == VintedSearchKind.Catalog ? input.Search with { Time = time } : input.Search;
            fetched = await client.FetchPageAsync(search, input.Page, cancellationToken);
        }
        catch (VintedApiException e) when (!e.IsTransient)
        {
            // Retrying a refused request or an anti-bot block later in the same run only deepens the block.
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
        var totalPages = fetched.HasNextPage ? fetched.Pagination!.TotalPages : input.Page;
        return new FetchResult(written, totalPages, fetched.Pagination?.PerPage ?? input.Search.PerPage, fetched.Pagination?.Time, fetched.ShouldQuarantine ? null : fetched.Problem);
    }

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
