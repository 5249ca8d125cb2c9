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
        ArgumentNullException.ThrowIfNull(store);
        await using var content = await store.GetAsync(key, cancellationToken)
            ?? throw new FileNotFoundException($"{store.Location(key)} does not exist", key);
        var bytes = new byte[content.Properties.Length];
        await content.Content.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    /// <summary>An object's bytes, checked against the SHA-256 its writer recorded elsewhere (a manifest, a registry).</summary>
    /// <exception cref="ObjectIntegrityException">The bytes have another SHA-256.</exception>
    public static async Task<byte[]> ReadVerifiedAsync(this IObjectStore store, string key, string expectedSha256, CancellationToken cancellationToken)
    {
        var body = await store.ReadAllBytesAsync(key, cancellationToken);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        return sha256 == expectedSha256
            ? body
            : throw new ObjectIntegrityException($"{store.Location(key)} has SHA-256 {sha256}, expected {expectedSha256}");
    }

    /// <summary>A read-only stream over the memory: the array itself when it is one, a copy only when it is not.</summary>
    private static MemoryStream AsStream(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
}
