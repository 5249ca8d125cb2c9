using System.Security.Cryptography;

namespace Vinted.ObjectStore;

/// <summary>What both stores share: the check after every put (<see cref="IObjectStore.PutAsync"/>).</summary>
public abstract class ObjectStoreBase(ObjectStoreOptions options) : IObjectStore
{
    protected ObjectStoreOptions Options { get; } = options;

    public string Container => Options.Bucket;

    public string Prefix => Options.Prefix.TrimEnd('/');

    public abstract string Location(string key);

    public async Task PutAsync(string key, Stream body, ObjectPut put, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(put);
        var reported = await PutCoreAsync(key, body, put, cancellationToken);
        if (Options.Verify == VerifyMode.ETag && reported is not null)
        {
            if (!string.Equals(reported, put.Md5, StringComparison.OrdinalIgnoreCase))
            {
                throw new ObjectIntegrityException($"{Location(key)}: the server reports MD5 {reported} of what it stored, not the MD5 {put.Md5} of the bytes written");
            }

            return;
        }

        // Read back (asked for, or the server reported no MD5): hash the stored bytes as they stream in, no copy kept.
        await using var stored = await GetAsync(key, cancellationToken)
            ?? throw new ObjectIntegrityException($"{Location(key)}: missing right after it was written");
        var md5 = Convert.ToHexStringLower(await MD5.HashDataAsync(stored.Content, cancellationToken));
        if (md5 != put.Md5)
        {
            throw new ObjectIntegrityException($"{Location(key)}: read back {stored.Properties.Length} bytes with MD5 {md5}, not the MD5 {put.Md5} of the bytes written");
        }
    }

    /// <summary>Stores the object; returns the lowercase hex MD5 the server reports of what it stored, or null when it reports none.</summary>
    protected abstract Task<string?> PutCoreAsync(string key, Stream body, ObjectPut put, CancellationToken cancellationToken);

    public abstract Task<ObjectContent?> GetAsync(string key, CancellationToken cancellationToken);

    public virtual Task<ObjectContent?> GetCheckedByCallerAsync(string key, long length, CancellationToken cancellationToken) => GetAsync(key, cancellationToken);

    public abstract Task<ObjectProperties?> HeadAsync(string key, CancellationToken cancellationToken);

    public abstract IAsyncEnumerable<ObjectEntry> ListAsync(string prefix, bool directOnly, CancellationToken cancellationToken);

    public abstract Task DeleteAsync(string key, CancellationToken cancellationToken);

    public abstract Task CheckAsync(CancellationToken cancellationToken);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>A key's existence as a create-only put reports it.</summary>
    protected ObjectExistsException Exists(string key, Exception? inner = null) =>
        inner is null ? new($"{Location(key)} exists: a create-only put does not replace it") : new($"{Location(key)} exists: a create-only put does not replace it", inner);
}
