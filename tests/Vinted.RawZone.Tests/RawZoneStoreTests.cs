using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vinted.Testing;
using Vinted.ObjectStore;
using Vinted.RawZone;

namespace Vinted.RawZone.Tests;

/// <summary>The raw zone against the real S3 server over HTTP.</summary>
public sealed class RawZoneStoreTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 25);
    private readonly LocalStack _stack = LocalStack.Instance;
    private readonly string _prefix = $"tests/{Guid.NewGuid():N}";
    private readonly Amazon.S3.AmazonS3Client _s3;
    private readonly IObjectStore _objects;
    private readonly RawZoneStore _store;

    public RawZoneStoreTests()
    {
        _s3 = _stack.CreateS3Client();
        _objects = LocalStack.CreateStore(_stack.S3Store(_prefix));
        _store = new RawZoneStore(_objects, new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 4, 0, 0, TimeSpan.Zero)), NullLogger<RawZoneStore>.Instance);
    }

    public void Dispose()
    {
        _objects.Dispose();
        _s3.Dispose();
    }

    [Fact]
    public async Task WritePage_GoodPage_StoredByteForByteUnderDocumentedKeyWithMetadata()
    {
        var body = Encoding.UTF8.GetBytes("""{"items":[{"id":1,"title":"Saia plissada — Zara"}],"pagination":{"current_page":2,"total_pages":3}}""");
        var page = Page(2, body, problem: null);

        var stored = await _store.WritePageAsync(page, CancellationToken.None);

        Assert.Equal($"{_prefix}/raw/pt/catalog/dt=2026-11-25/run=run-1/catalog-abc123/page=00002.json", stored.Key);
        Assert.Equal(body, await _store.ReadAsync(stored.Key, CancellationToken.None));
        var metadata = await _store.ReadMetadataAsync(stored.Key, CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), metadata["sha256"]);
        Assert.Equal("https://www.vinted.pt/api/v2/catalog/items?page=2&search_text=saia+zara", metadata["request-url"]);
        Assert.Equal("200", metadata["http-status"]);
        Assert.Equal("1", metadata["item-count"]);
        Assert.Equal(page.FetchedAt, DateTimeOffset.Parse(metadata["fetched-at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(stored.Quarantined);
    }

    [Fact]
    public async Task WritePage_SamePageTwice_OneObjectWithTheLatestBytes()
    {
        var first = await _store.WritePageAsync(Page(1, "{\"items\":[]}"u8.ToArray(), null), CancellationToken.None);
        var second = await _store.WritePageAsync(Page(1, "{\"items\":[] }"u8.ToArray(), null), CancellationToken.None);

        Assert.Equal(first.Key, second.Key);
        var listing = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _stack.Bucket, Prefix = $"{_prefix}/raw/" });
        Assert.Single(listing.S3Objects);
        Assert.Equal("{\"items\":[] }"u8.ToArray(), await _store.ReadAsync(first.Key, CancellationToken.None));
    }

    [Fact]
    public async Task WritePage_PageWithProblem_GoesToQuarantineWithTheReason()
    {
        var body = "{\"items\":[{\"id\":1,\"ti"u8.ToArray();

        var stored = await _store.WritePageAsync(Page(3, body, "malformed JSON: unexpected end at byte 19"), CancellationToken.None);

        Assert.StartsWith($"{_prefix}/quarantine/pt/catalog/dt=2026-11-25/run=run-1/", stored.Key, StringComparison.Ordinal);
        Assert.True(stored.Quarantined);
        Assert.Equal(body, await _store.ReadAsync(stored.Key, CancellationToken.None));
        Assert.Equal("malformed JSON: unexpected end at byte 19", (await _store.ReadMetadataAsync(stored.Key, CancellationToken.None))["problem"]);
    }

    [Fact]
    public async Task ReadPage_ObjectChangedAfterManifest_IsAnIntegrityError()
    {
        var stored = await _store.WritePageAsync(Page(4, "{\"items\":[]}"u8.ToArray(), null), CancellationToken.None);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _stack.Bucket, Key = stored.Key, ContentBody = "{\"items\":[1]}", UseChunkEncoding = false });

        var error = await Assert.ThrowsAsync<ObjectIntegrityException>(() => _store.ReadPageAsync(stored, CancellationToken.None));

        Assert.Contains(stored.Sha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedUpload_OnThisServer_IsStoredByteForByte()
    {
        // The local server before this one (s3rver 3.7.1) kept AWSSDK.S3's aws-chunked framing inside the object, and
        // other compatible servers may: the store still turns chunk encoding off and checks every put's ETag.
        var body = RandomNumberGenerator.GetBytes(1000);
        var response = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _stack.Bucket, Key = $"{_prefix}/chunked.bin", InputStream = new MemoryStream(body) });

        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(body)), response.ETag.Trim('"'));
        Assert.Equal(body, await _store.ReadAsync($"{_prefix}/chunked.bin", CancellationToken.None));
    }

    [Fact]
    public async Task Manifest_WrittenThenRead_ListsEveryPageWithChecksums()
    {
        var pages = new List<StoredPage>();
        for (var i = 1; i <= 3; i++)
        {
            pages.Add(await _store.WritePageAsync(Page(i, Encoding.UTF8.GetBytes($"{{\"items\":[],\"n\":{i}}}"), i == 3 ? "no pagination" : null), CancellationToken.None));
        }

        var key = await _store.WriteManifestAsync("run-1", Day, pages, CancellationToken.None);
        var manifest = await _store.ReadManifestAsync("run-1", Day, CancellationToken.None);

        Assert.Equal($"{_prefix}/manifests/dt=2026-11-25/run=run-1.json", key);
        Assert.NotNull(manifest);
        Assert.Equal(pages.Select(p => (p.Key, p.Sha256)).Order(), manifest.Pages.Select(p => (p.Key, p.Sha256)).Order());
        Assert.Equal(1, manifest.QuarantinedCount);
        foreach (var page in manifest.Pages)
        {
            Assert.NotEmpty(await _store.ReadPageAsync(page, CancellationToken.None));
        }

        Assert.Null(await _store.ReadManifestAsync("no-such-run", Day, CancellationToken.None));
    }

    private static PageToStore Page(int page, byte[] body, string? problem) => new(
        new PageAddress("pt", "catalog", Day, "run-1", "catalog-abc123", page),
        body,
        $"https://www.vinted.pt/api/v2/catalog/items?page={page}&search_text=saia+zara",
        200,
        "application/json; charset=utf-8",
        new DateTimeOffset(2026, 11, 25, 3, 1, 2, TimeSpan.Zero).AddMilliseconds(345),
        problem is null && body.Length > 20 ? 1 : 0,
        problem);
}
