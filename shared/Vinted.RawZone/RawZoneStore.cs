using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vinted.RawZone;

/// <summary>
/// Reads and writes the raw zone. Writes are idempotent (a retried page rewrites the same key) and verified;
/// bodies are stored exactly as received, never re-serialized.
/// </summary>
public sealed partial class RawZoneStore(IAmazonS3 s3, IOptions<S3Options> options, TimeProvider time, ILogger<RawZoneStore> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    private readonly S3Options _options = options.Value;

    public RawZoneKeys Keys { get; } = new(options.Value.Prefix);

    public string Bucket => _options.Bucket;

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
        GetObjectMetadataResponse response;
        try
        {
            response = await s3.GetObjectMetadataAsync(_options.Bucket, key, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        string? Meta(string name) => response.Metadata[name] is { Length: > 0 } value ? Uri.UnescapeDataString(value) : null;
        if (Meta("sha256") is not { } sha256
            || !int.TryParse(Meta("item-count"), CultureInfo.InvariantCulture, out var items)
            || !int.TryParse(Meta("http-status"), CultureInfo.InvariantCulture, out var status)
            || !DateTimeOffset.TryParse(Meta("fetched-at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var fetchedAt))
        {
            // Written by something else, or cut short: fetch again rather than trust it.
            return null;
        }

        return new StoredPage(key, address, sha256, response.ContentLength, items, status, Meta("request-url") ?? "", fetchedAt, null);
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
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            InputStream = new MemoryStream(body.ToArray(), writable: false),
            ContentType = contentType,
            // Streaming (aws-chunked) uploads are stored with their framing by some S3-compatible servers:
            // a plain signed body is what every server stores byte for byte.
            UseChunkEncoding = false,
        };
        request.Metadata["sha256"] = sha256;
        request.Metadata["request-url"] = Uri.EscapeDataString(requestUrl);
        request.Metadata["http-status"] = httpStatus.ToString(CultureInfo.InvariantCulture);
        request.Metadata["fetched-at"] = fetchedAt.ToString("O", CultureInfo.InvariantCulture);
        foreach (var (name, value) in metadata)
        {
            request.Metadata[name] = value;
        }

        var response = await s3.PutObjectAsync(request, cancellationToken);
        await VerifyAsync(key, body, response.ETag, cancellationToken);
        return sha256;
    }

    /// <summary>The item page an earlier execution of this run stored for the listing; null when there is none (or it is unreadable).</summary>
    public async Task<StoredItemPage?> FindItemPageAsync(string domain, DateOnly date, string runId, long itemId, CancellationToken cancellationToken)
    {
        var key = Keys.ItemPage(domain, date, runId, itemId);
        GetObjectMetadataResponse response;
        try
        {
            response = await s3.GetObjectMetadataAsync(_options.Bucket, key, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        string? Meta(string name) => response.Metadata[name] is { Length: > 0 } value ? Uri.UnescapeDataString(value) : null;
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
        var body = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        var key = Keys.Manifest(date, runId);
        var response = await s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                InputStream = new MemoryStream(body, writable: false),
                ContentType = "application/json",
                UseChunkEncoding = false,
            },
            cancellationToken);
        await VerifyAsync(key, body, response.ETag, cancellationToken);
        return key;
    }

    /// <summary>Reads a run's manifest; null when the run wrote none.</summary>
    public async Task<RunManifest?> ReadManifestAsync(string runId, DateOnly date, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(_options.Bucket, Keys.Manifest(date, runId), cancellationToken);
            return await JsonSerializer.DeserializeAsync<RunManifest>(response.ResponseStream, Json, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The run ids with a manifest for <paramref name="date"/>, the most recently written manifest last.</summary>
    public async Task<IReadOnlyList<string>> ListRunsAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var prefix = Keys.ManifestPrefix(date);
        var runs = new List<(string RunId, DateTimeOffset WrittenAt)>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var entry in response.S3Objects ?? [])
            {
                var name = entry.Key[prefix.Length..];
                if (name.StartsWith("run=", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal)
                    && await ReadManifestAsync(name[4..^5], date, cancellationToken) is { } manifest)
                {
                    runs.Add((manifest.RunId, manifest.WrittenAt));
                }
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return [.. runs.OrderBy(r => r.WrittenAt).ThenBy(r => r.RunId, StringComparer.Ordinal).Select(r => r.RunId)];
    }

    /// <summary>Reads a stored page and checks it against the manifest's checksum.</summary>
    public async Task<byte[]> ReadPageAsync(StoredPage page, CancellationToken cancellationToken)
    {
        return await ReadVerifiedAsync(page.Key, page.Sha256, cancellationToken);
    }

    /// <summary>
    /// Stores an object that is not a page (a model file) with its SHA-256 in the metadata, verified as pages are;
    /// returns the SHA-256. <see cref="ReadVerifiedAsync"/> reads it back checked against it.
    /// </summary>
    public async Task<string> WriteObjectAsync(string key, byte[] body, string contentType, CancellationToken cancellationToken)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            InputStream = new MemoryStream(body, writable: false),
            ContentType = contentType,
            UseChunkEncoding = false,
        };
        request.Metadata["sha256"] = sha256;
        var response = await s3.PutObjectAsync(request, cancellationToken);
        await VerifyAsync(key, body, response.ETag, cancellationToken);
        return sha256;
    }

    /// <summary>An object's bytes, checked against the SHA-256 its writer recorded elsewhere (a registry, a manifest).</summary>
    public async Task<byte[]> ReadVerifiedAsync(string key, string expectedSha256, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(key, cancellationToken);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        return sha256 == expectedSha256
            ? body
            : throw new RawZoneIntegrityException($"s3://{_options.Bucket}/{key} has SHA-256 {sha256}, expected {expectedSha256}");
    }

    /// <summary>An object's bytes.</summary>
    public async Task<byte[]> ReadAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(_options.Bucket, key, cancellationToken);
        using var buffer = new MemoryStream(response.ContentLength > 0 ? (int)response.ContentLength : 0);
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>An object's user metadata (without the <c>x-amz-meta-</c> prefix).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadMetadataAsync(string key, CancellationToken cancellationToken)
    {
        var response = await s3.GetObjectMetadataAsync(_options.Bucket, key, cancellationToken);
        return response.Metadata.Keys.ToDictionary(
            k => k.Replace("x-amz-meta-", "", StringComparison.OrdinalIgnoreCase),
            k => Uri.UnescapeDataString(response.Metadata[k]));
    }

    private async Task VerifyAsync(string key, ReadOnlyMemory<byte> body, string? etag, CancellationToken cancellationToken)
    {
        if (_options.Verify == VerifyMode.ReadBack)
        {
            var stored = await ReadAsync(key, cancellationToken);
            if (!stored.AsSpan().SequenceEqual(body.Span))
            {
                throw new RawZoneIntegrityException($"s3://{_options.Bucket}/{key}: read back {stored.Length} bytes that differ from the {body.Length} written");
            }

            return;
        }

        var expected = Convert.ToHexStringLower(MD5.HashData(body.Span));
        if (!string.Equals(etag?.Trim('"'), expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new RawZoneIntegrityException($"s3://{_options.Bucket}/{key}: the server's ETag {etag} is not the MD5 {expected} of the {body.Length} bytes written");
        }
    }

    [LoggerMessage(300, LogLevel.Warning, "Quarantined {S3Key}: {Problem}")]
    private partial void LogQuarantined(string s3Key, string problem);
}
