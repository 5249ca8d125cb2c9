using Vinted.Pipeline.Activities;
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

    /// <summary>Every data-quality check of the run, with what it observed and expected.</summary>
    public IReadOnlyList<CheckResult> Quality { get; init; } = [];

    /// <summary>Stage durations in seconds, measured on the orchestration clock.</summary>
    public Dictionary<string, double> StageSeconds { get; init; } = [];
}

/// <summary>What ingestion fetched and stored; <see cref="PagesReused"/> pages were found stored by an earlier execution of their fetch (a re-delivery after a crash, a restart) and not fetched again.</summary>
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
    public static IngestionReport From(int searches, IReadOnlyList<FetchResult> pages, ManifestResult manifest) => new(
        searches,
        manifest.Pages,
        manifest.Items,
        manifest.QuarantinedPages,
        pages.Count(p => p.Reused),
        manifest.QuarantinedKeys,
        pages.Where(p => p.Warning is not null).Select(p => $"{p.Stored.Key}: {p.Warning}").ToList(),
        manifest.Bucket,
        manifest.ManifestKey);
}
