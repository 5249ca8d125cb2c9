using Vinted.Lake;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Orchestrators;
using Vinted.PriceModel.Scoring;
using Vinted.RawZone;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;

namespace Vinted.Pipeline.Models;

/// <summary>The output of a pipeline run: what each stage did, how long it took and where the data lies.</summary>
public sealed record RunReport(string RunId, DateOnly Date, IngestionReport Ingestion)
{
    public StageResult? Staging { get; init; }

    public NormalizeResult? Normalize { get; init; }

    public MartResult? Mart { get; init; }

    /// <summary>The mart days written to the lake as Parquet.</summary>
    public LakeResult? Lake { get; init; }

    /// <summary>The day's vanished listings looked up on their item pages, and the mart's split into sold, withdrawn and unknown (null in runs from before issue 22).</summary>
    public VanishedReport? Vanished { get; init; }

    /// <summary>Every data-quality check of the run, with what it observed and expected.</summary>
    public IReadOnlyList<CheckResult> Quality { get; init; } = [];

    /// <summary>The day's listings scored by the production price models (null in runs from before the price model).</summary>
    public ScoreResult? Prices { get; init; }

    /// <summary>Stage durations in seconds, measured on the orchestration clock.</summary>
    public Dictionary<string, double> StageSeconds { get; init; } = [];
}

/// <summary>What ingestion fetched and stored, and which searches are incomplete (blocked, soft-blocked, cut by the API's reach or the page cap, or reshuffled: see <see cref="IncompleteSearches"/> and the warnings); <see cref="PagesReused"/> pages were found stored by an earlier execution of their fetch (a re-delivery after a crash, a restart) and not fetched again.</summary>
public sealed record IngestionReport(
    int Searches,
    int Pages,
    long Items,
    int QuarantinedPages,
    int PagesReused,
    IReadOnlyList<string> QuarantinedKeys,
    IReadOnlyList<string> Warnings,
    string Bucket,
    string ManifestKey)
{
    /// <summary>Searches with pages missing: which domain, which pages, why. A restart of the run fetches only those pages.</summary>
    public IReadOnlyList<SearchScopeStatus> IncompleteSearches { get; init; } = [];

    /// <summary>One incomplete search in words: the cut, why, the listings announced and seen, and that none is taken as gone.</summary>
    public static string Warning(SearchScopeStatus s) =>
        $"search {s.SearchKey} on domain '{s.Domain}' is incomplete ({s.Cut ?? "unknown"}): {s.Reason}. " +
        $"Announced {(s.Announced is { } a ? a.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown (page 1 missing)")} listings, seen {s.Seen}" +
        $"{(s.Promoted > 0 ? $" (and {s.Promoted} promoted card(s), not counted)" : "")}; its listings are not taken as gone.";

    public static IngestionReport From(IReadOnlyList<SearchResult> searches, ManifestResult manifest)
    {
        var incomplete = searches.Select(s => s.Scope).Where(s => !s.Complete).ToList();
        var warnings = searches.SelectMany(s => s.Warnings).Concat(incomplete.Select(Warning)).ToList();
        return new(
            searches.Count,
            manifest.Pages,
            manifest.Items,
            manifest.QuarantinedPages,
            searches.Sum(s => s.PagesReused),
            manifest.QuarantinedKeys,
            warnings,
            manifest.Bucket,
            manifest.ManifestKey)
        {
            IncompleteSearches = incomplete,
        };
    }
}
