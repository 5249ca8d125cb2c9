using Microsoft.DurableTask;
using Vinted.RawZone;

namespace Vinted.Pipeline.Activities;

/// <param name="SearchPages">Where each search recorded its stored pages (<see cref="RecordSearchPages"/>).</param>
public sealed record ManifestInput(string RunId, DateOnly Date, IReadOnlyList<string> SearchPages)
{
    /// <summary>Every search with its completeness, recorded in the manifest for the warehouse.</summary>
    public IReadOnlyList<SearchScopeStatus> Searches { get; init; } = [];
}

/// <summary>Where the run's raw data lies and how much of it there is.</summary>
public sealed record ManifestResult(string Bucket, string ManifestKey, int Pages, int QuarantinedPages, long Items, IReadOnlyList<string> QuarantinedKeys);

/// <summary>Writes the run manifest from its searches' page lists: the list of pages the warehouse loads (never a bucket listing).</summary>
public sealed class WriteManifest(RawZoneStore rawZone) : TaskActivity<ManifestInput, ManifestResult>
{
    public override async Task<ManifestResult> RunAsync(TaskActivityContext context, ManifestInput input)
    {
        var cancellationToken = CancellationToken.None;
        var pages = new List<StoredPage>();
        foreach (var key in input.SearchPages)
        {
            pages.AddRange(await rawZone.ReadSearchPagesAsync(key, cancellationToken));
        }

        var manifestKey = await rawZone.WriteManifestAsync(input.RunId, input.Date, pages, cancellationToken, input.Searches);
        var quarantined = pages.Where(p => p.Quarantined).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        var items = pages.Where(p => !p.Quarantined).Sum(p => (long)p.ItemCount);
        return new ManifestResult(rawZone.Bucket, manifestKey, pages.Count, quarantined.Count, items, quarantined);
    }
}
