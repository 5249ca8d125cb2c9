using System.Globalization;

namespace Vinted.RawZone;

/// <summary>
/// The raw zone's key layout, partitioned so that a day, a run or a search is one prefix:
/// <c>{prefix}/raw/{domain}/{endpoint}/dt={yyyy-MM-dd}/run={runId}/{searchKey}/page={00001}.json</c>;
/// quarantined pages under <c>{prefix}/quarantine/...</c> with the same tail, item pages under
/// <c>{prefix}/raw/{domain}/item-page/dt=.../run=.../items/{itemId}.html</c>, and run manifests under
/// <c>{prefix}/manifests/dt={yyyy-MM-dd}/run={runId}.json</c>, each built from its searches' page lists under
/// <c>{prefix}/manifests/searches/dt={yyyy-MM-dd}/run={runId}/{domain}/{searchKey}.json</c>.
/// </summary>
public sealed class RawZoneKeys(string prefix)
{
    public string Page(PageAddress address, bool quarantined = false) =>
        $"{SearchPrefix(address, quarantined)}{PageFile(address.Page)}";

    /// <summary>The prefix under which every page of <paramref name="address"/>'s search in its run lies.</summary>
    public string SearchPrefix(PageAddress address, bool quarantined = false) =>
        $"{prefix}/{(quarantined ? "quarantine" : "raw")}/{address.Domain}/{address.Endpoint}/dt={Day(address.Date)}/run={address.RunId}/{address.SearchKey}/";

    /// <summary>The page number a key of <see cref="Page"/> names; null for any other key.</summary>
    public static int? PageNumber(string key)
    {
        var file = key.AsSpan(key.LastIndexOf('/') + 1);
        return file.StartsWith(PageFileStart, StringComparison.Ordinal) && file.EndsWith(".json", StringComparison.Ordinal)
            && int.TryParse(file[PageFileStart.Length..^".json".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var page)
                ? page
                : null;
    }

    private const string PageFileStart = "page=";

    private static string PageFile(int page) => $"{PageFileStart}{page.ToString("D5", CultureInfo.InvariantCulture)}.json";

    /// <summary>
    /// A public item page looked up for a listing that vanished:
    /// <c>{prefix}/raw/{domain}/item-page/dt={yyyy-MM-dd}/run={runId}/items/{itemId}.html</c> (a 404 page is stored too: it is the answer).
    /// </summary>
    public string ItemPage(string domain, DateOnly date, string runId, long itemId) =>
        $"{prefix}/raw/{domain}/item-page/dt={Day(date)}/run={runId}/items/{itemId.ToString(CultureInfo.InvariantCulture)}.html";

    public string Manifest(DateOnly date, string runId) => $"{ManifestPrefix(date)}run={runId}.json";

    /// <summary>The prefix under which every run manifest of <paramref name="date"/> lies.</summary>
    public string ManifestPrefix(DateOnly date) => $"{prefix}/manifests/dt={Day(date)}/";

    /// <summary>
    /// The pages one search of a run stored, which the run's manifest merges (outside <see cref="ManifestPrefix"/>: not a
    /// run). A search's key does not name its domain (the same filters on two domains share it): the domain is in the key.
    /// </summary>
    public string SearchPages(DateOnly date, string runId, string domain, string searchKey) => $"{prefix}/manifests/searches/dt={Day(date)}/run={runId}/{domain}/{searchKey}.json";

    public string RunPrefix(string domain, string endpoint, DateOnly date, string runId) => $"{prefix}/raw/{domain}/{endpoint}/dt={Day(date)}/run={runId}/";

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Where one fetched page belongs.</summary>
/// <param name="Domain">Country domain name (<c>pt</c>, <c>fr</c>, ...).</param>
/// <param name="Endpoint">The API endpoint kind (<c>catalog</c>, <c>catalog-legacy</c>, <c>user-items</c>, <c>wardrobe</c>).</param>
/// <param name="Date">The run's business date.</param>
/// <param name="RunId">The orchestration instance id.</param>
/// <param name="SearchKey">The search's stable slug.</param>
/// <param name="Page">1-based page number.</param>
public sealed record PageAddress(string Domain, string Endpoint, DateOnly Date, string RunId, string SearchKey, int Page);
