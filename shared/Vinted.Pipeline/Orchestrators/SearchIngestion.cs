using Microsoft.DurableTask;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Retries;
using Vinted.RawZone;

namespace Vinted.Pipeline.Orchestrators;

/// <summary>One search of a run: its plan entry, and the run's retry policy.</summary>
public sealed record SearchRequest(string RunId, DateOnly Date, PlannedSearch Search, RetrySettings Retry);

/// <summary>
/// A search's outcome, small whatever the search's size: where its stored pages are recorded (for the manifest), whether
/// it is complete, how many pages an earlier execution had already stored, and the pages' warnings.
/// </summary>
public sealed record SearchResult(string PagesKey, SearchScopeStatus Scope, int PagesReused, IReadOnlyList<string> Warnings);

/// <summary>What a search shows as <c>customStatus</c>: how many pages it will fetch.</summary>
public sealed record SearchProgress(int Pages);

/// <summary>Pages <paramref name="First"/> to <paramref name="Last"/> of a search (inclusive): what one <see cref="FetchPages"/> step fetches.</summary>
internal readonly record struct PageRange(int First, int Last)
{
    public int Count => Last - First + 1;

    public IEnumerable<int> Pages => Enumerable.Range(First, Count);
}

/// <summary>
/// Ingests one search: page 1 says how many pages there are; the others, capped by the plan, fan out at once in ranges
/// of <see cref="PagesPerStep"/> and carry the result-set time page 1 pinned, so the results do not shift while
/// paging. Pages its domain blocked are missing: the search completes incomplete, saying which pages and why, as it
/// does for every other cut (see <see cref="SearchExtent"/>).
/// The stored pages are recorded by an activity (<see cref="RecordSearchPages"/>), so the result the parent keeps is a key.
/// </summary>
public sealed class SearchIngestion : TaskOrchestrator<SearchRequest, SearchResult>
{
    /// <summary>
    /// The pages after page 1 that one <see cref="FetchPages"/> step fetches. The engine's cost of a step (its messages,
    /// its history, the replay it wakes) is paid once for them: the 1,000,000-listing day's ingestion took 48.4-54.6 s in
    /// one-page steps and 37.0-37.4 s in ranges of 8, in alternating runs (issue 21). A search at Vinted's reach (10
    /// pages) is three steps. The ranges' calls are what a running search replays: a host that fetched pages one a step
    /// cannot finish a search another began in ranges, nor the reverse (deploy between runs, see docs/engine.md).
    /// </summary>
    public const int PagesPerStep = 8;

    /// <summary>
    /// The instance id of the <paramref name="index"/>-th search of an execution of run <paramref name="runId"/>.
    /// <paramref name="execution"/> (the orchestration's <c>NewGuid</c>, the same on every replay) tells a restart of the
    /// run under its id from the first execution, so a restart never reuses a finished child's id.
    /// </summary>
    public static string InstanceIdFor(string runId, Guid execution, int index) => $"{runId}:{execution.ToString("N")[..8]}:search-{index:D3}";

    public override async Task<SearchResult> RunAsync(TaskOrchestrationContext context, SearchRequest input)
    {
        var search = input.Search.Search;
        var first = await context.CallActivityAsync<FetchResult>(nameof(FetchPage), new PageRequest(input.RunId, input.Date, search, 1), ActivityRetry.Options(input.Retry, "page-1"));
        if (first.Blocked is not null)
        {
            // Without page 1 the search's extent is unknown: nothing else is asked of a blocked domain.
            return await RecordAsync(context, input, [first], SearchExtent.Of(input.Search, 1, [first]));
        }

        var last = Math.Min(first.TotalPages, input.Search.MaxPages);
        context.SetCustomStatus(new SearchProgress(last));
        // Page 1 listed what an earlier execution stored: a range looks for its pages only if it is there, or might be.
        var stored = first.StoredPages?.ToHashSet();
        var ranges = await Task.WhenAll(Ranges(2, last).Select(range =>
            context.CallActivityAsync<FetchResult[]>(
                nameof(FetchPages),
                new PageRangeRequest(input.RunId, input.Date, search, range.First, range.Last, first.PinnedTime)
                {
                    KnownAbsent = stored?.Overlaps(range.Pages) == false,
                },
                ActivityRetry.Options(input.Retry, $"pages-{range.First}-{range.Last}"))));
        FetchResult[] pages = [first, .. ranges.SelectMany(r => r)];
        return await RecordAsync(context, input, pages, SearchExtent.Of(input.Search, last, pages));
    }

    /// <summary>
    /// Pages <paramref name="first"/> to <paramref name="last"/> in as few ranges of at most <see cref="PagesPerStep"/>
    /// as there can be, of sizes that differ by one at most: the 9 pages after page 1 of a search at Vinted's reach are
    /// two steps of 5 and 4 pages that run side by side, not 8 pages and then 1.
    /// </summary>
    internal static IEnumerable<PageRange> Ranges(int first, int last)
    {
        var pages = Math.Max(0, last - first + 1);
        var steps = (pages + PagesPerStep - 1) / PagesPerStep;
        for (var step = 0; step < steps; step++)
        {
            var size = pages / steps + (step < pages % steps ? 1 : 0);
            yield return new PageRange(first, first + size - 1);
            first += size;
        }
    }

    private static async Task<SearchResult> RecordAsync(TaskOrchestrationContext context, SearchRequest input, IReadOnlyList<FetchResult> pages, SearchScopeStatus scope)
    {
        var stored = pages.Where(p => p.Stored is not null).Select(p => p.Stored!).ToList();
        var key = await context.CallActivityAsync<string>(
            nameof(RecordSearchPages), new SearchPagesInput(input.RunId, input.Date, input.Search.Search.Domain, input.Search.Search.Key, stored), ActivityRetry.Options(input.Retry, "record-pages"));
        var warnings = pages.Where(p => p.Warning is not null && p.Stored is not null).Select(p => $"{p.Stored!.Key}: {p.Warning}").ToList();
        return new SearchResult(key, scope, pages.Count(p => p.Reused), warnings);
    }
}
