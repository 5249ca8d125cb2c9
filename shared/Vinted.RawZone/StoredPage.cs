namespace Vinted.RawZone;

/// <summary>A raw response to store, with what is known of how it was fetched.</summary>
public sealed record PageToStore(
    PageAddress Address,
    ReadOnlyMemory<byte> Body,
    string RequestUrl,
    int HttpStatus,
    string? ContentType,
    DateTimeOffset FetchedAt,
    int ItemCount,
    string? Problem);

/// <summary>A public item page to store, looked up for a listing that vanished in run <paramref name="RunId"/> of <paramref name="Date"/>.</summary>
public sealed record ItemPageToStore(
    string Domain,
    DateOnly Date,
    string RunId,
    long ItemId,
    ReadOnlyMemory<byte> Body,
    string RequestUrl,
    int HttpStatus,
    string? ContentType,
    DateTimeOffset FetchedAt);

/// <summary>A stored item page: where it lies, its checksum and the status it was answered with.</summary>
public sealed record StoredItemPage(string Key, string Sha256, int HttpStatus, DateTimeOffset FetchedAt);

/// <summary>One stored page as the manifest lists it.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the body.</param>
/// <param name="Problem">Why the page was quarantined; null for a good page.</param>
public sealed record StoredPage(
    string Key,
    PageAddress Address,
    string Sha256,
    long ContentLength,
    int ItemCount,
    int HttpStatus,
    string RequestUrl,
    DateTimeOffset FetchedAt,
    string? Problem)
{
    public bool Quarantined => Problem is not null;
}

/// <summary>The list of every page a run wrote: what the warehouse loads, instead of listing the bucket.</summary>
public sealed record RunManifest(string RunId, DateOnly Date, DateTimeOffset WrittenAt, IReadOnlyList<StoredPage> Pages)
{
    /// <summary>Every search of the run with its completeness (empty in manifests written before it was recorded).</summary>
    public IReadOnlyList<SearchScopeStatus> Searches { get; init; } = [];

    public int PageCount => Pages.Count;

    public int QuarantinedCount => Pages.Count(p => p.Quarantined);

    public long ItemCount => Pages.Where(p => !p.Quarantined).Sum(p => (long)p.ItemCount);
}

/// <summary>
/// Whether a search of a run was fetched completely. An incomplete search (a block, a soft-blocked empty page, the API's
/// reach or the page cap ending it before total_entries, an order that reshuffles between calls) must not be read as a
/// full view of its scope: a listing absent from it is not gone.
/// </summary>
/// <param name="Domain">The search's country domain.</param>
/// <param name="SearchKey">The search's stable slug, as in page keys.</param>
/// <param name="Complete">Every listing the search announced was seen, on pages of one snapshot.</param>
/// <param name="PagesPlanned">Pages the run meant to fetch (page 1's extent under the caps); null when page 1 itself is missing.</param>
/// <param name="PagesStored">Pages stored for the search.</param>
/// <param name="MissingPages">Page numbers not fetched.</param>
/// <param name="Reason">Why the search is incomplete, in words (the block, its kind and domain; the cut); null when complete.</param>
public sealed record SearchScopeStatus(string Domain, string SearchKey, bool Complete, int? PagesPlanned, int PagesStored, IReadOnlyList<int> MissingPages, string? Reason)
{
    /// <summary>What cut the search first (see <see cref="SearchCuts"/>); null when complete.</summary>
    public string? Cut { get; init; }

    /// <summary>The anti-bot layer and shape of a block (e.g. <c>DataDomeCaptcha</c>); null when nothing was blocked.</summary>
    public string? BlockKind { get; init; }

    /// <summary>Listings page 1 announced (<c>total_entries</c>); null when page 1 is missing.</summary>
    public long? Announced { get; init; }

    /// <summary>Listings seen on the stored, loadable pages, promoted cards not counted.</summary>
    public long Seen { get; init; }

    /// <summary>Promoted cards (adverts) on the stored pages: kept, never counted as the search's results.</summary>
    public long Promoted { get; init; }
}

/// <summary>What can cut a search short, in the order <see cref="SearchScopeStatus.Cut"/> names the first.</summary>
public static class SearchCuts
{
    /// <summary>An anti-bot layer refused pages (403: DataDome, Cloudflare).</summary>
    public const string Blocked = "blocked";

    /// <summary>A page answered 200 with no items in the middle of the search, later pages had some.</summary>
    public const string SoftBlock = "soft_block";

    /// <summary>The API stopped serving before total_entries: its reach (empty pages to the end, or the configured reach).</summary>
    public const string Reach = "api_reach";

    /// <summary>The run's page cap stopped the search before total_entries.</summary>
    public const string PageCap = "page_cap";

    /// <summary>The order reshuffles on every call (relevance): the pages are not one snapshot.</summary>
    public const string ReshufflingOrder = "reshuffling_order";

    /// <summary>Fewer listings seen than announced for another reason (pages quarantined).</summary>
    public const string Short = "short";
}
