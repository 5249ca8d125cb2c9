using Microsoft.DurableTask;
using Vinted.RawZone;

namespace Vinted.Pipeline.Activities;

/// <summary>The pages one search of a run stored.</summary>
public sealed record SearchPagesInput(string RunId, DateOnly Date, string Domain, string SearchKey, IReadOnlyList<StoredPage> Pages);

/// <summary>
/// Records a search's stored pages in the raw zone, where <see cref="WriteManifest"/> merges them, and returns the key.
/// The search's sub-orchestration then returns a key and counts instead of its thousands of page records, which its
/// parent would keep in its history, replay on every later step and pass on again (at 1,000,000 listings, 10,411
/// records, the largest burst of garbage in the run). Idempotent: a re-delivery rewrites the same key.
/// </summary>
public sealed class RecordSearchPages(RawZoneStore rawZone) : TaskActivity<SearchPagesInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, SearchPagesInput input) =>
        rawZone.WriteSearchPagesAsync(input.RunId, input.Date, input.Domain, input.SearchKey, input.Pages, CancellationToken.None);
}
