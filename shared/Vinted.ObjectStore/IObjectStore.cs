namespace Vinted.ObjectStore;

/// <summary>
/// The product's object store: one bucket (S3) or container (Azure Blob Storage) under one key prefix. What the raw zone,
/// the lake and the model registry need and no more: verified puts (byte for byte, checked against the MD5 the caller
/// computed), create-only puts, reads with the stored checksum, heads, prefix listings and deletes.
/// </summary>
public interface IObjectStore : IDisposable
{
    /// <summary>The bucket or container.</summary>
    string Container { get; }

    /// <summary>The top of every key the product writes (no trailing slash).</summary>
    string Prefix { get; }

    /// <summary>A key's full address for messages (<c>s3://bucket/key</c>, <c>https://account.blob.../container/key</c>).</summary>
    string Location(string key);

    /// <summary>
    /// Stores <paramref name="body"/> (read from its current position to its end) under <paramref name="key"/>, then checks
    /// that the server stored exactly those bytes: the MD5 the server reports (or, with <c>Verify=ReadBack</c> or when it
    /// reports none, the MD5 of the bytes read back) must be <see cref="ObjectPut.Md5"/>.
    /// </summary>
    /// <exception cref="ObjectIntegrityException">The server stored other bytes than the caller's MD5 describes.</exception>
    /// <exception cref="ObjectExistsException"><see cref="ObjectPut.CreateOnly"/> and the key exists.</exception>
    Task PutAsync(string key, Stream body, ObjectPut put, CancellationToken cancellationToken);

    /// <summary>An object's content and properties; null when there is none. The caller disposes it.</summary>
    Task<ObjectContent?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="GetAsync"/>, for a caller that recorded the object's length and a checksum of its bytes elsewhere (a
    /// manifest's SHA-256) and checks them itself: the store skips a check of its own on the transfer where it has one.
    /// An object of another length is read whole, for the caller's check to fail.
    /// </summary>
    Task<ObjectContent?> GetCheckedByCallerAsync(string key, long length, CancellationToken cancellationToken);

    /// <summary>An object's properties without its content; null when there is none.</summary>
    Task<ObjectProperties?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Every object whose key starts with <paramref name="prefix"/>, in key order, page after page; with
    /// <paramref name="directOnly"/>, only those directly in the "folder" (no further <c>/</c> after the prefix). A Blob
    /// container not yet created lists nothing (the first put creates it); a missing S3 bucket is a configuration error
    /// and throws.
    /// </summary>
    IAsyncEnumerable<ObjectEntry> ListAsync(string prefix, bool directOnly, CancellationToken cancellationToken);

    /// <summary>Deletes an object; a missing one is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Reaches the store and its container with the configured credentials (for readiness); throws when it cannot.</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}

/// <summary>How to store an object.</summary>
/// <param name="ContentType">The MIME type stored with it.</param>
/// <param name="Md5">Lowercase hex MD5 of the bytes to store: what the server's answer is checked against.</param>
public sealed record ObjectPut(string ContentType, string Md5)
{
    /// <summary>User metadata: names in lowercase letters, digits and <c>-</c>; ASCII values (escape anything else).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Refuse to replace an existing object (<c>If-None-Match: *</c>).</summary>
    public bool CreateOnly { get; init; }
}

/// <summary>A stored object's properties.</summary>
/// <param name="Md5">Lowercase hex MD5 of the stored bytes as the server reports it; null when it reports none (an S3 multipart upload).</param>
/// <param name="Metadata">User metadata by the names it was written with.</param>
public sealed record ObjectProperties(string Key, long Length, string? Md5, string? ContentType, IReadOnlyDictionary<string, string> Metadata);

/// <summary>One listed object.</summary>
public sealed record ObjectEntry(string Key, long Length);

/// <summary>An object's content as a stream from the server, with its properties.</summary>
public sealed class ObjectContent(ObjectProperties properties, Stream content, IDisposable? response = null) : IAsyncDisposable, IDisposable
{
    public ObjectProperties Properties { get; } = properties;

    /// <summary>The bytes, read once from the server (not seekable).</summary>
    public Stream Content { get; } = content;

    public void Dispose()
    {
        Content.Dispose();
        response?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        response?.Dispose();
    }
}

/// <summary>An object does not hold what was written, or no longer what its writer recorded: the store corrupted or lost it.</summary>
public sealed class ObjectIntegrityException : Exception
{
    public ObjectIntegrityException(string message)
        : base(message)
    {
    }

    public ObjectIntegrityException()
    {
    }

    public ObjectIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A create-only put found the key taken.</summary>
public sealed class ObjectExistsException : Exception
{
    public ObjectExistsException(string message)
        : base(message)
    {
    }

    public ObjectExistsException()
    {
    }

    public ObjectExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
