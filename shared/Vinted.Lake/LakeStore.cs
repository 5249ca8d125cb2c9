using System.Text.Json;
using Vinted.ObjectStore;

namespace Vinted.Lake;

/// <summary>The lake's objects in the product's object store: part uploads (create-only) and manifests checked against the server's MD5, listings and deletes.</summary>
public sealed class LakeStore(IObjectStore store)
{
    /// <summary>The manifest's JSON: camelCase, like every document the product writes.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The bucket or container.</summary>
    public string Bucket => store.Container;

    public LakeKeys Keys { get; } = new(store.Prefix);

    /// <summary>
    /// Uploads a local file under a key no one has written (a part's write id is new on every write, so an existing key
    /// is a bug, not a retry); the server's MD5 must be <paramref name="md5"/>.
    /// </summary>
    internal async Task PutFileAsync(string key, string path, string md5, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await store.PutAsync(key, file, new ObjectPut("application/vnd.apache.parquet", md5) { CreateOnly = true }, cancellationToken);
    }

    /// <summary>Writes a table's manifest: the switch that makes its new parts the table's (one put replaces the object whole).</summary>
    internal Task PutManifestAsync(LakeTable table, LakeManifest manifest, CancellationToken cancellationToken) =>
        store.PutAsync(Keys.Manifest(table), JsonSerializer.SerializeToUtf8Bytes(manifest, Json), "application/json", cancellationToken);

    /// <summary>A table's manifest; null when the table has never been written.</summary>
    public async Task<LakeManifest?> ReadManifestAsync(LakeTable table, CancellationToken cancellationToken)
    {
        await using var content = await store.GetAsync(Keys.Manifest(table), cancellationToken);
        return content is null ? null : await JsonSerializer.DeserializeAsync<LakeManifest>(content.Content, Json, cancellationToken);
    }

    /// <summary>The part files directly in a partition's folder (not in the folders below it), whether a manifest lists them or not.</summary>
    public async Task<IReadOnlyList<string>> ListPartsAsync(string folder, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var entry in store.ListAsync(folder, directOnly: true, cancellationToken))
        {
            if (entry.Key[folder.Length..].StartsWith("part-", StringComparison.Ordinal))
            {
                keys.Add(entry.Key);
            }
        }

        return keys;
    }

    internal async Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        // One by one: S3's DeleteObjects needs a Content-MD5 some compatible servers refuse, and superseded parts are few.
        foreach (var key in keys)
        {
            await store.DeleteAsync(key, cancellationToken);
        }
    }

    /// <summary>Downloads an object to a local file (readers without store access, tests, the benchmark).</summary>
    public async Task DownloadAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var content = await store.GetAsync(key, cancellationToken)
            ?? throw new FileNotFoundException($"{store.Location(key)} does not exist", key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await content.Content.CopyToAsync(file, cancellationToken);
    }
}
