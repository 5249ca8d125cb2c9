using Microsoft.DurableTask;
using Vinted.Api;
using Vinted.Api.Models;
using Vinted.RawZone;

namespace Vinted.Pipeline.Activities;

/// <summary>Pages <paramref name="First"/> to <paramref name="Last"/> of a search, after page 1, with the result-set time page 1 pinned.</summary>
public sealed record PageRangeRequest(string RunId, DateOnly Date, VintedSearch Search, int First, int Last, long? PinnedTime)
{
    /// <summary>Page 1's listing of the search's stored pages showed none of the range (see <see cref="FetchPages"/>).</summary>
    public bool KnownAbsent { get; init; }
}

/// <summary>
/// A few pages of a search in one step, one after another, each fetched and stored as <see cref="FetchPage"/> does
/// (blocks, quarantine and reuse included), so the engine's cost of a step is paid once for the range: the
/// 1,000,000-listing day's 10,423 activity steps became 1,316 (issue 21). The pages are stored in order, so an earlier
/// attempt of the step (a failure retried, a crash re-delivered) stored its first page if it stored any: a range page 1
/// did not list looks for its first page (one HEAD) and, only when that is there, reuses it and looks for each of the
/// others, reusing what the earlier attempt stored instead of fetching it again. A first page that stored nothing
/// (blocked) or was stored quarantined counts as not there: the range is then fetched again, over the same keys, and a
/// blocked domain is asked again. The range's pages share its step's retry policy; each attempt keeps what the ones
/// before it stored.
/// </summary>
public sealed class FetchPages(IVintedClient client, RawZoneStore rawZone) : TaskActivity<PageRangeRequest, FetchResult[]>
{
    private readonly FetchPage _page = new(client, rawZone);

    public override async Task<FetchResult[]> RunAsync(TaskActivityContext context, PageRangeRequest input)
    {
        // Found here, the first page is reused as found: it is not looked for a second time.
        var first = input.KnownAbsent ? await _page.FindAsync(Request(input, input.First, knownAbsent: false), CancellationToken.None) : null;
        var knownAbsent = input.KnownAbsent && first is null;
        var results = new FetchResult[input.Last - input.First + 1];
        for (var i = 0; i < results.Length; i++)
        {
            var request = Request(input, input.First + i, knownAbsent);
            results[i] = i == 0 && first is not null
                ? await _page.ReuseOrFetchAsync(request, first, CancellationToken.None)
                : await _page.RunAsync(context, request);
        }

        return results;
    }

    private static PageRequest Request(PageRangeRequest input, int page, bool knownAbsent) =>
        new(input.RunId, input.Date, input.Search, page, input.PinnedTime) { KnownAbsent = knownAbsent };
}
