using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vinted.ObjectStore;

namespace Vinted.RawZone;

/// <summary>
/// Reads and writes the raw zone. Writes are idempotent (a retried page rewrites the same key) and verified;
/// bodies are stored exactly as received, never re-serialized.
/// </summary>
public sealed partial class RawZoneStore(IObjectStore store, TimeProvider time, ILogger<RawZoneStore> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public RawZoneKeys Keys { get; } = new(store.Prefix);

    /// <summary>The bucket or container.</summary>
    public string Bucket => store.Container;

    /// <summary>Stores a page (under the quarantine prefix when it has a problem) and verifies what the server stored.</summary>
    public async Task<StoredPage> WritePageAsync(PageToStore page, CancellationToken cancellationToken)
    {
        var key = Keys.Page(page.Address, quarantined: page.Problem is not null);
        var metadata = new Dictionary<string, string> { ["item-count"] = page.ItemCount.ToString(CultureInfo.InvariantCulture) };
        if (page.Problem is not null)
        {
            metadata["problem"] = Uri.EscapeDataString(page.Problem);
        }

        var sha256 = await PutVerifiedAsync(key, page.Body, page.ContentType ?? "application/octet-stream", page.RequestUrl, page.HttpStatus, page.FetchedAt, metadata, cancellationToken);
        if (page.Problem is not null)
        {
            LogQuarantined(key, page.Problem);
        }

        return new StoredPage(key, page.Address, sha256, page.Body.Length, page.ItemCount, page.HttpStatus, page.RequestUrl, page.FetchedAt, page.Problem);
    }

    /// <summary>
    /// The page an earlier execution already stored (not quarantined) at <paramref name="address"/>, from its metadata;
    /// null when there is none. Lets a re-delivered or restarted fetch reuse what is stored instead of asking again.
    /// </summary>
    public async Task<StoredPage?> FindPageAsync(PageAddress address, CancellationToken cancellationToken)
    {
        var key = Keys.Page(address, quarantined: false);
        if (await store.HeadAsync(key, cancellationToken) is not { } head)
        {
            return null;
        }

        string? Meta(string name) => head.Metadata.TryGetValue(name, out var value) && value.Length > 0 ? Uri.UnescapeDataString(value) : null;
        if (Meta("sha256") is not { } sha256
            || !int.TryParse(Meta("item-count"), CultureInfo.InvariantCulture, out var items)
            || !int.TryParse(Meta("http-status"), CultureInfo.InvariantCulture, out var status)
            || !DateTimeOffset.TryParse(Meta("fetched-at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var fetchedAt))
        {
            // Written by something else, or cut short: fetch again rather than trust it.
            return null;
        }

        return new StoredPage(key, address, sha256, head.Length, items, status, Meta("request-url") ?? "", fetchedAt, null);
    }

    /// <summary>
    /// The numbers of the pages stored (not quarantined) for <paramref name="address"/>'s search in its run, from one
    /// listing of the search's prefix: a new search learns in one request that none of its pages needs a look, where a
    /// look per page cost a HEAD each (7.4 s of a 1,000,000-listing day, issue 21).
    /// </summary>
    public async Task<IReadOnlyList<int>> ListStoredPagesAsync(PageAddress address, CancellationToken cancellationToken)
    {
        var pages = new List<int>();
        await foreach (var entry in store.ListAsync(Keys.SearchPrefix(address), directOnly: true, cancellationToken))
        {
            if (RawZoneKeys.PageNumber(entry.Key) is { } page)
            {
                pages.Add(page);
            }
        }

        return pages;
    }

    /// <summary>Stores an item page (a 200 or a 404 body, exactly as received) under <see cref="RawZoneKeys.ItemPage"/>, verified as pages are.</summary>
    public async Task<StoredItemPage> WriteItemPageAsync(ItemPageToStore page, CancellationToken cancellationToken)
    {
        var key = Keys.ItemPage(page.Domain, page.Date, page.RunId, page.ItemId);
        var sha256 = await PutVerifiedAsync(key, page.Body, page.ContentType ?? "text/html", page.RequestUrl, page.HttpStatus, page.FetchedAt, [], cancellationToken);
        return new StoredItemPage(key, sha256, page.HttpStatus, page.FetchedAt);
    }

    /// <summary>
    /// Puts a response's bytes with their lineage (SHA-256, request URL, HTTP status, fetch time, and <paramref name="metadata"/>)
    /// and verifies what the server stored; returns the SHA-256.
    /// </summary>
    private async Task<string> PutVerifiedAsync(
        string key, ReadOnlyMemory<byte> body, string contentType, string requestUrl, int httpStatus, DateTimeOffset fetchedAt,
        Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body.Span));
        metadata["sha256"] = sha256;
        metadata["request-url"] = Uri.EscapeDataString(requestUrl);
        metadata["http-status"] = httpStatus.ToString(CultureInfo.InvariantCulture);
        metadata["fetched-at"] = fetchedAt.ToString("O", CultureInfo.InvariantCulture);
        await store.PutAsync(key, body, contentType, cancellationToken, metadata);
        return sha256;
    }

    /// <summary>The item page an earlier execution of this run stored for the listing; null when there is none (or it is unreadable).</summary>
    public async Task<StoredItemPage?> FindItemPageAsync(string domain, DateOnly date, string runId, long itemId, CancellationToken cancellationToken)
    {
        var key = Keys.ItemPage(domain, date, runId, itemId);
        if (await store.HeadAsync(key, cancellationToken) is not { } head)
        {
            return null;
        }

        string? Meta(string name) => head.Metadata.TryGetValue(name, out var value) && value.Length > 0 ? Uri.UnescapeDataString(value) : null;
        return Meta("sha256") is { } sha256
            && int.TryParse(Meta("http-status"), CultureInfo.InvariantCulture, out var status)
            && DateTimeOffset.TryParse(Meta("fetched-at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var fetchedAt)
                ? new StoredItemPage(key, sha256, status, fetchedAt)
                : null;
    }

    /// <summary>Writes the run's manifest (idempotent: the same run rewrites the same key).</summary>
    public async Task<string> WriteManifestAsync(
        string runId, DateOnly date, IReadOnlyList<StoredPage> pages, CancellationToken cancellationToken, IReadOnlyList<SearchScopeStatus>? searches = null)
    {
        var manifest = new RunManifest(runId, date, time.GetUtcNow(), pages.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            Searches = searches ?? [],
        };
        var key = Keys.Manifest(date, runId);
        await store.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(manifest, Json), "application/json", cancellationToken);
        return key;
    }

    /// <summary>Writes the pages one search of a run stored, for the run's manifest to merge (idempotent: the same search rewrites the same key).</summary>
    public async Task<string> WriteSearchPagesAsync(string runId, DateOnly date, string domain, string searchKey, IReadOnlyList<StoredPage> pages, CancellationToken cancellationToken)
    {
        var key = Keys.SearchPages(date, runId, domain, searchKey);
        await store.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(pages, Json), "application/json", cancellationToken);
        return key;
    }

    /// <summary>Reads the pages a search recorded with <see cref="WriteSearchPagesAsync"/>.</summary>
    /// <exception cref="FileNotFoundException">Nothing is recorded under <paramref name="key"/>.</exception>
    public async Task<IReadOnlyList<StoredPage>> ReadSearchPagesAsync(string key, CancellationToken cancellationToken) =>
        JsonSerializer.Deserialize<List<StoredPage>>(await store.ReadAllBytesAsync(key, cancellationToken), Json)
            ?? throw new InvalidDataException($"{store.Location(key)} holds no page list");

    /// <summary>Reads a run's manifest; null when the run wrote none.</summary>
    public async Task<RunManifest?> ReadManifestAsync(string runId, DateOnly date, CancellationToken cancellationToken)
    {
        await using var content = await store.GetAsync(Keys.Manifest(date, runId), cancellationToken);
        return content is null ? null : await JsonSerializer.DeserializeAsync<RunManifest>(content.Content, Json, cancellationToken);
    }

    /// <summary>The run ids with a manifest for <paramref name="date"/>, the most recently written manifest last.</summary>
    public async Task<IReadOnlyList<string>> ListRunsAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var prefix = Keys.ManifestPrefix(date);
        var runs = new List<(string RunId, DateTimeOffset WrittenAt)>();
        await foreach (var entry in store.ListAsync(prefix, directOnly: false, cancellationToken))
        {
            var name = entry.Key[prefix.Length..];
            if (name.StartsWith("run=", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal)
                && await ReadManifestAsync(name[4..^5], date, cancellationToken) is { } manifest)
            {
                runs.Add((manifest.RunId, manifest.WrittenAt));
            }
        }

        return [.. runs.OrderBy(r => r.WrittenAt).ThenBy(r => r.RunId, StringComparer.Ordinal).Select(r => r.RunId)];
    }

    /// <summary>Reads a stored page and checks it against the manifest's checksum.</summary>
    /// <exception cref="ObjectIntegrityException">The page no longer has the manifest's SHA-256.</exception>
    public Task<byte[]> ReadPageAsync(StoredPage page, CancellationToken cancellationToken) =>
        store.ReadVerifiedAsync(page.Key, page.ContentLength, page.Sha256, cancellationToken);

    /// <summary>As <see cref="ReadPageAsync"/>, into a pooled array: for a reader of a whole run's pages. Dispose it when done.</summary>
    /// <exception cref="ObjectIntegrityException">The page no longer has the manifest's SHA-256.</exception>
    public Task<PooledBytes> ReadPagePooledAsync(StoredPage page, CancellationToken cancellationToken) =>
        store.ReadVerifiedPooledAsync(page.Key, page.ContentLength, page.Sha256, cancellationToken);

    /// <summary>An object's bytes, checked against the SHA-256 its writer recorded elsewhere (a manifest, the vanished-item record).</summary>
    /// <exception cref="ObjectIntegrityException">The bytes have another SHA-256.</exception>
    public Task<byte[]> ReadVerifiedAsync(string key, string expectedSha256, CancellationToken cancellationToken) =>
        store.ReadVerifiedAsync(key, expectedSha256, cancellationToken);

    /// <summary>An object's bytes.</summary>
    public Task<byte[]> ReadAsync(string key, CancellationToken cancellationToken) => store.ReadAllBytesAsync(key, cancellationToken);

    /// <summary>An object's user metadata, values unescaped.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadMetadataAsync(string key, CancellationToken cancellationToken)
    {
        var head = await store.HeadAsync(key, cancellationToken) ?? throw new FileNotFoundException($"{store.Location(key)} does not exist", key);
        return head.Metadata.ToDictionary(m => m.Key, m => Uri.UnescapeDataString(m.Value));
    }

    [LoggerMessage(300, LogLevel.Warning, "Quarantined {S3Key}: {Problem}")]
    private partial void LogQuarantined(string s3Key, string problem);
}
