using System.ComponentModel.DataAnnotations;
using Vinted.Api.Models;
using Vinted.Pipeline.Options;
using Vinted.Pipeline.Retries;

namespace Vinted.Pipeline.Models;

/// <summary>
/// What starts a pipeline run. Every field is optional: the timer sends only its <see cref="Slot"/>, the
/// HTTP trigger and the command line may set any of them.
/// </summary>
public sealed record PipelineInput
{
    /// <summary>The business date the run's data belongs to; default the slot's date, else today (UTC).</summary>
    public DateOnly? Date { get; init; }

    /// <summary>The timer slot that started the run, if a timer did.</summary>
    public DateTimeOffset? Slot { get; init; }

    /// <summary>The searches to ingest (at most <see cref="MaxSearches"/>); default the <c>Ingestion:Searches</c> of host.json.</summary>
    [MaxLength(MaxSearches)]
    public IReadOnlyList<SearchSpec>? Searches { get; init; }

    /// <summary>A page cap applied to every search on top of its own.</summary>
    [Range(1, 10_000)]
    public int? MaxPages { get; init; }

    /// <summary>Who started the run (<c>timer</c>, <c>http</c>, <c>cli</c>), for the run list.</summary>
    [MaxLength(32)]
    public string? Trigger { get; init; }

    /// <summary>Searches one run may bring: an input is a plan, not a way to ask for millions of fetches.</summary>
    public const int MaxSearches = 200;
}

/// <summary>A run's resolved plan: recorded once by an activity, so configuration changes mid-run change nothing.</summary>
public sealed record RunPlan(string RunId, DateOnly Date, IReadOnlyList<PlannedSearch> Searches, RetrySettings Retry);

/// <summary>A search with its effective page cap.</summary>
public sealed record PlannedSearch(VintedSearch Search, int MaxPages)
{
    /// <summary>The cap is the API's reach (<c>Ingestion:MaxReachableResults</c>), not a page cap of the run or the search.</summary>
    public bool CappedByReach { get; init; }
}

/// <summary>What the run shows as <c>customStatus</c> while it goes; page progress is in its searches' statuses.</summary>
public sealed record RunProgress(string Stage, int Searches);
