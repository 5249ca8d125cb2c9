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
