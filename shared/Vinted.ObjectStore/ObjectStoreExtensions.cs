using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Vinted.ObjectStore;

/// <summary>Whole-object reads and writes of bytes in memory, for callers that hold a body (pages, manifests, model files).</summary>
public static class ObjectStoreExtensions
{
    /// <summary>Puts bytes held in memory (verified as every put; see <see cref="IObjectStore.PutAsync"/>) without copying them.</summary>
    public static Task PutAsync(this IObjectStore store, string key, ReadOnlyMemory<byte> body, string contentType, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var put = new ObjectPut(contentType, Convert.ToHexStringLower(MD5.HashData(body.Span))) { Metadata = metadata ?? new Dictionary<string, string>() };
        return store.PutAsync(key, AsStream(body), put, cancellationToken);
    }

    /// <summary>An object's bytes.</summary>
    /// <exception cref="FileNotFoundException">There is no object at <paramref name="key"/>.</exception>
    public static async Task<byte[]> ReadAllBytesAsync(this IObjectStore store, string key, CancellationToken cancellationToken)
    {
        await using var content = await OpenAsync(store, key, cancellationToken);
        return await ReadToArrayAsync(content, cancellationToken);
    }

    /// <summary>An object's bytes, checked against the SHA-256 its writer recorded elsewhere (a manifest, a registry).</summary>
    /// <exception cref="ObjectIntegrityException">The bytes have another SHA-256.</exception>
    public static async Task<byte[]> ReadVerifiedAsync(this IObjectStore store, string key, string expectedSha256, CancellationToken cancellationToken)
    {
        var body = await store.ReadAllBytesAsync(key, cancellationToken);
        Verify(store, key, body, expectedSha256);
        return body;
    }

    /// <summary>
    /// As <see cref="ReadVerifiedAsync(IObjectStore, string, string, CancellationToken)"/>, with the length recorded
    /// beside the checksum, which lets the store skip a check of its own (<see cref="IObjectStore.GetCheckedByCallerAsync"/>).
    /// </summary>
    /// <exception cref="ObjectIntegrityException">The bytes have another SHA-256.</exception>
    public static async Task<byte[]> ReadVerifiedAsync(this IObjectStore store, string key, long expectedLength, string expectedSha256, CancellationToken cancellationToken)
    {
        await using var content = await OpenCheckedByCallerAsync(store, key, expectedLength, cancellationToken);
        var body = await ReadToArrayAsync(content, cancellationToken);
        Verify(store, key, body, expectedSha256);
        return body;
    }

    /// <summary>
    /// As <see cref="ReadVerifiedAsync(IObjectStore, string, long, string, CancellationToken)"/>, into an array rented
    /// from the shared pool: for readers of many objects in a row (a run's pages), whose bodies would otherwise each be a
    /// new array on the large object heap. Dispose the result once its bytes are no longer read.
    /// </summary>
    public static async Task<PooledBytes> ReadVerifiedPooledAsync(this IObjectStore store, string key, long expectedLength, string expectedSha256, CancellationToken cancellationToken)
    {
        await using var content = await OpenCheckedByCallerAsync(store, key, expectedLength, cancellationToken);
        var body = PooledBytes.Rent(checked((int)content.Properties.Length));
        try
        {
            await content.Content.ReadExactlyAsync(body.Writable, cancellationToken);
            Verify(store, key, body.Memory.Span, expectedSha256);
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private static async Task<ObjectContent> OpenAsync(IObjectStore store, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.GetAsync(key, cancellationToken) ?? throw new FileNotFoundException($"{store.Location(key)} does not exist", key);
    }

    private static async Task<ObjectContent> OpenCheckedByCallerAsync(IObjectStore store, string key, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.GetCheckedByCallerAsync(key, length, cancellationToken) ?? throw new FileNotFoundException($"{store.Location(key)} does not exist", key);
    }

    private static async Task<byte[]> ReadToArrayAsync(ObjectContent content, CancellationToken cancellationToken)
    {
        var bytes = new byte[content.Properties.Length];
        await content.Content.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    private static void Verify(IObjectStore store, string key, ReadOnlySpan<byte> body, string expectedSha256)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        if (sha256 != expectedSha256)
        {
            throw new ObjectIntegrityException($"{store.Location(key)} has SHA-256 {sha256}, expected {expectedSha256}");
        }
    }

    /// <summary>A read-only stream over the memory: the array itself when it is one, a copy only when it is not.</summary>
    private static MemoryStream AsStream(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
}
