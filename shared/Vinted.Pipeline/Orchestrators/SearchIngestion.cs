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

/// <summary>
/// Ingests one search: page 1 says how many pages there are; the others, capped by the plan, fan out at once and
/// carry the result-set time page 1 pinned, so the results do not shift while paging. Pages its domain blocked are
/// missing: the search completes incomplete, saying which pages and why, as it does for every other cut (see <see cref="SearchExtent"/>).
/// The stored pages are recorded by an activity (<see cref="RecordSearchPages"/>), so the result the parent keeps is a key.
/// </summary>
public sealed class SearchIngestion : TaskOrchestrator<SearchRequest, SearchResult>
{
    /// <summary>
    /// The instance id of the <paramref name="index"/>-th search of an execution of run <paramref name="runId"/>.
    /// <paramref name="execution"/> (the orchestration's <c>NewGuid</c>, the same on every replay) tells a restart of the
    /// run under its id from the first execution, so a restart never reuses a finished child's id.
    /// </summary>
    public static string InstanceIdFor(string runId, Guid execution, int index) => $"{runId}:{execution.ToString("N")[..8]}:search-{index:D3}";

    public override async Task<SearchResult> RunAsync(TaskOrchestrationContext context, SearchRequest input)
    {
        var search = input.Search.Search;
        var first = await context.CallActivityAsync<FetchResult>(nameof(FetchPage), new PageRequest(input.RunId, input.Date, search, 1), Page(input, 1));
        if (first.Blocked is not null)
        {
            // Without page 1 the search's extent is unknown: nothing else is asked of a blocked domain.
            return await RecordAsync(context, input, [first], SearchExtent.Of(input.Search, 1, [first]));
        }

        var last = Math.Min(first.TotalPages, input.Search.MaxPages);
        context.SetCustomStatus(new SearchProgress(last));
        // Page 1 listed what an earlier execution stored: the other pages look for themselves only if it is there.
        var stored = first.StoredPages?.ToHashSet();
        var rest = await Task.WhenAll(Enumerable.Range(2, Math.Max(0, last - 1)).Select(page =>
            context.CallActivityAsync<FetchResult>(
                nameof(FetchPage),
                new PageRequest(input.RunId, input.Date, search, page, first.PinnedTime) { KnownAbsent = stored?.Contains(page) == false },
                Page(input, page))));
        FetchResult[] pages = [first, .. rest];
        return await RecordAsync(context, input, pages, SearchExtent.Of(input.Search, last, pages));
    }

    private static async Task<SearchResult> RecordAsync(TaskOrchestrationContext context, SearchRequest input, IReadOnlyList<FetchResult> pages, SearchScopeStatus scope)
    {
        var stored = pages.Where(p => p.Stored is not null).Select(p => p.Stored!).ToList();
        var key = await context.CallActivityAsync<string>(
            nameof(RecordSearchPages), new SearchPagesInput(input.RunId, input.Date, input.Search.Search.Domain, input.Search.Search.Key, stored), ActivityRetry.Options(input.Retry, "record-pages"));
        var warnings = pages.Where(p => p.Warning is not null && p.Stored is not null).Select(p => $"{p.Stored!.Key}: {p.Warning}").ToList();
        return new SearchResult(key, scope, pages.Count(p => p.Reused), warnings);
    }

    private static TaskOptions Page(SearchRequest input, int page) => ActivityRetry.Options(input.Retry, $"page-{page}");
}
