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

/// <summary>The object read back does not match what was written: the store corrupted it or lost it.</summary>
public sealed class RawZoneIntegrityException : Exception
{
    public RawZoneIntegrityException(string message)
        : base(message)
    {
    }

    public RawZoneIntegrityException()
    {
    }

    public RawZoneIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Whether a search of a run was fetched completely. An incomplete search (its domain blocked some or all of its pages)
/// must not be read as a full view of its scope: a listing absent from it is not gone.
/// </summary>
/// <param name="Domain">The search's country domain.</param>
/// <param name="SearchKey">The search's stable slug, as in page keys.</param>
/// <param name="Complete">Every page up to <paramref name="PagesPlanned"/> is stored (loaded or quarantined).</param>
/// <param name="PagesPlanned">Pages the run meant to fetch (page 1's extent under the caps); null when page 1 itself is missing.</param>
/// <param name="PagesStored">Pages stored for the search.</param>
/// <param name="MissingPages">Page numbers not fetched.</param>
/// <param name="Reason">Why they are missing (the block, its domain and routes); null when complete.</param>
public sealed record SearchScopeStatus(string Domain, string SearchKey, bool Complete, int? PagesPlanned, int PagesStored, IReadOnlyList<int> MissingPages, string? Reason);
