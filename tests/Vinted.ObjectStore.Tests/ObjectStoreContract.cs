using System.Security.Cryptography;
using System.Text;

namespace Vinted.ObjectStore.Tests;

/// <summary>
/// Every behaviour the raw zone, the lake and the model registry rely on, run over HTTP against a real server: S3 (fauxqs)
/// in <see cref="S3ObjectStoreTests"/>, Azure Blob Storage (Azurite) in <see cref="BlobObjectStoreTests"/>. Each test
/// works under a prefix of its own.
/// </summary>
public abstract class ObjectStoreContract : IDisposable
{
    private readonly Func<string, ObjectStoreOptions> _options;

    protected ObjectStoreContract(Func<string, ObjectStoreOptions> options)
    {
        _options = options;
        Root = $"tests/store-{Guid.NewGuid():N}";
        Store = ObjectStoreServiceCollectionExtensions.CreateObjectStore(options(Root));
    }

    protected string Root { get; }

    protected IObjectStore Store { get; }

    public void Dispose()
    {
        Store.Dispose();
        GC.SuppressFinalize(this);
    }

    // 12 MiB + 5: past the 11 MiB a request body the local S3 server (fauxqs) accepts unless its launcher lifts the cap.
    public static TheoryData<int> Sizes => [0, 1, 256, (1 << 20) + 3, (12 << 20) + 5];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Put_ArbitraryBytes_ReadBackByteForByteWithTheirMd5AndMetadata(int size)
    {
        var body = Bytes(size, seed: size);
        var key = $"{Root}/bytes/{size}.bin";

        await Store.PutAsync(key, body, "application/octet-stream", CancellationToken.None, new Dictionary<string, string> { ["item-count"] = "96", ["sha256"] = Sha256(body) });

        Assert.Equal(body, await Store.ReadAllBytesAsync(key, CancellationToken.None));
        // Read for a caller that recorded the length and checks the bytes itself (a ranged read on S3 but when empty).
        using (var pooled = await Store.ReadVerifiedPooledAsync(key, size, Sha256(body), CancellationToken.None))
        {
            Assert.Equal(body, pooled.Memory.ToArray());
        }

        var head = await Store.HeadAsync(key, CancellationToken.None);
        Assert.NotNull(head);
        Assert.Equal((size, Md5(body), "application/octet-stream"), (head.Length, head.Md5, head.ContentType));
        Assert.Equal("96", head.Metadata["item-count"]);
        Assert.Equal(Sha256(body), head.Metadata["sha256"]);
        await using var content = await Store.GetAsync(key, CancellationToken.None);
        Assert.Equal((size, Md5(body)), (content!.Properties.Length, content.Properties.Md5));
    }

    [Fact]
    public async Task Put_FileStream_StoredByteForByte()
    {
        var path = Path.GetTempFileName();
        try
        {
            var body = Bytes(300_001, seed: 7);
            await File.WriteAllBytesAsync(path, body);
            await using (var file = File.OpenRead(path))
            {
                await Store.PutAsync($"{Root}/file.parquet", file, new ObjectPut("application/vnd.apache.parquet", Md5(body)), CancellationToken.None);
            }

            Assert.Equal(body, await Store.ReadAllBytesAsync($"{Root}/file.parquet", CancellationToken.None));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(VerifyMode.ETag)]
    [InlineData(VerifyMode.ReadBack)]
    public async Task Put_Md5NotOfTheBytesSent_IsAnIntegrityError(VerifyMode verify)
    {
        var options = _options(Root);
        options.Verify = verify;
        using var store = ObjectStoreServiceCollectionExtensions.CreateObjectStore(options);
        var body = Encoding.UTF8.GetBytes("{\"items\":[]}");

        // What a body changed on its way to the server looks like: the bytes stored are not those the MD5 was taken of.
        var error = await Assert.ThrowsAsync<ObjectIntegrityException>(() =>
            store.PutAsync($"{Root}/corrupt.json", new MemoryStream(body), new ObjectPut("application/json", Md5("{\"items\":[1]}"u8.ToArray())), CancellationToken.None));

        Assert.Contains(Md5(body), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadVerified_ObjectReplacedAfterItsChecksumWasRecorded_IsAnIntegrityError()
    {
        var original = "{\"items\":[]}"u8.ToArray();
        var key = $"{Root}/page=00001.json";
        await Store.PutAsync(key, original, "application/json", CancellationToken.None);
        Assert.Equal(original, await Store.ReadVerifiedAsync(key, Sha256(original), CancellationToken.None));

        using (var pooled = await Store.ReadVerifiedPooledAsync(key, original.Length, Sha256(original), CancellationToken.None))
        {
            Assert.Equal(original, pooled.Memory.ToArray());
        }

        await Store.PutAsync(key, "{\"items\":[1]}"u8.ToArray(), "application/json", CancellationToken.None);

        await Assert.ThrowsAsync<ObjectIntegrityException>(() => Store.ReadVerifiedAsync(key, Sha256(original), CancellationToken.None));
        await Assert.ThrowsAsync<ObjectIntegrityException>(() => Store.ReadVerifiedAsync(key, original.Length, Sha256(original), CancellationToken.None));
        await Assert.ThrowsAsync<ObjectIntegrityException>(() => Store.ReadVerifiedPooledAsync(key, original.Length, Sha256(original), CancellationToken.None));

        // Grown since, its first bytes the recorded ones: the recorded length's range alone would pass the SHA-256.
        await Store.PutAsync(key, (byte[])[.. original, .. "\n"u8], "application/json", CancellationToken.None);
        await Assert.ThrowsAsync<ObjectIntegrityException>(() => Store.ReadVerifiedPooledAsync(key, original.Length, Sha256(original), CancellationToken.None));
    }

    [Fact]
    public async Task ReadVerifiedPooled_ManyObjectsInARow_EachReadsItsOwnBytesAndDisposingTwiceIsHarmless()
    {
        // Arrays come back from the pool with the last reader's bytes in them: each read must see exactly its object.
        var bodies = Enumerable.Range(0, 6).Select(i => Bytes(90_000 + (i * 7_919), seed: i)).ToList();
        for (var i = 0; i < bodies.Count; i++)
        {
            await Store.PutAsync($"{Root}/pooled/page={i}.json", bodies[i], "application/json", CancellationToken.None);
        }

        for (var i = bodies.Count - 1; i >= 0; i--)
        {
            var pooled = await Store.ReadVerifiedPooledAsync($"{Root}/pooled/page={i}.json", bodies[i].Length, Sha256(bodies[i]), CancellationToken.None);
            Assert.Equal(bodies[i].Length, pooled.Length);
            Assert.True(pooled.Memory.Span.SequenceEqual(bodies[i]));
            pooled.Dispose();
            pooled.Dispose();
            Assert.Throws<ObjectDisposedException>(() => pooled.Memory);
        }
    }

    [Fact]
    public async Task Put_CreateOnlyOnAnExistingKey_IsRefusedAndTheObjectKept()
    {
        var key = $"{Root}/lake/part-1.parquet";
        var first = Bytes(1000, seed: 1);
        await Store.PutAsync(key, new MemoryStream(first), new ObjectPut("application/octet-stream", Md5(first)) { CreateOnly = true }, CancellationToken.None);

        var second = Bytes(1000, seed: 2);
        await Assert.ThrowsAsync<ObjectExistsException>(() =>
            Store.PutAsync(key, new MemoryStream(second), new ObjectPut("application/octet-stream", Md5(second)) { CreateOnly = true }, CancellationToken.None));

        Assert.Equal(first, await Store.ReadAllBytesAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task List_MoreKeysThanOnePage_EveryKeyOnceInKeyOrder()
    {
        var options = _options(Root);
        options.ListPageSize = 4;
        using var store = ObjectStoreServiceCollectionExtensions.CreateObjectStore(options);
        // Keys that differ in case and in '-', '.' and '_' too, which a locale's collation orders otherwise (fauxqs 2.4.1 did,
        // and paged across them wrongly): S3 and Blob Storage list in the byte order of the key.
        var keys = Enumerable.Range(1, 8).Select(i => $"{Root}/list/part-{i:D3}")
            .Concat([$"{Root}/list/Part-004", $"{Root}/list/part_004", $"{Root}/list/part.004"]).Order(StringComparer.Ordinal).ToList();
        foreach (var key in keys.Append($"{Root}/list/day=2026-10-01/part-nested").Append($"{Root}/listing-not-under"))
        {
            await store.PutAsync(key, Encoding.UTF8.GetBytes(key), "text/plain", CancellationToken.None);
        }

        var all = await store.ListAsync($"{Root}/list/", directOnly: false, CancellationToken.None).ToListAsync();
        var direct = await store.ListAsync($"{Root}/list/", directOnly: true, CancellationToken.None).ToListAsync();

        Assert.Equal([.. keys.Append($"{Root}/list/day=2026-10-01/part-nested").Order(StringComparer.Ordinal)], all.Select(e => e.Key));
        Assert.Equal(keys, direct.Select(e => e.Key));
        Assert.All(direct, e => Assert.Equal(Encoding.UTF8.GetByteCount(e.Key), e.Length));
    }

    /// <summary>The lake's switch: new part (create-only), then the manifest overwritten to list it, then the superseded part deleted.</summary>
    [Fact]
    public async Task ManifestSwitch_NewPartThenManifestThenDelete_ReadersSeeOneCompleteVersionAtEachStep()
    {
        var table = $"{Root}/lake/fact/";
        var manifest = table + "_table.json";
        var partA = table + "part-a.parquet";
        var partB = table + "part-b.parquet";
        await CreateAsync(partA, Bytes(5000, seed: 10));
        await Store.PutAsync(manifest, Encoding.UTF8.GetBytes("""{"parts":["part-a.parquet"]}"""), "application/json", CancellationToken.None);

        await CreateAsync(partB, Bytes(6000, seed: 11));
        Assert.Equal("""{"parts":["part-a.parquet"]}""", Encoding.UTF8.GetString(await Store.ReadAllBytesAsync(manifest, CancellationToken.None)));
        await Store.PutAsync(manifest, Encoding.UTF8.GetBytes("""{"parts":["part-b.parquet"]}"""), "application/json", CancellationToken.None);
        var superseded = await Store.ListAsync(table, directOnly: true, CancellationToken.None)
            .Where(e => e.Key[table.Length..].StartsWith("part-", StringComparison.Ordinal) && e.Key != partB).ToListAsync();
        foreach (var entry in superseded)
        {
            await Store.DeleteAsync(entry.Key, CancellationToken.None);
        }

        Assert.Equal([partA], superseded.Select(e => e.Key));
        Assert.Equal("""{"parts":["part-b.parquet"]}""", Encoding.UTF8.GetString(await Store.ReadAllBytesAsync(manifest, CancellationToken.None)));
        Assert.Equal([manifest, partB], (await Store.ListAsync(table, directOnly: true, CancellationToken.None).ToListAsync()).Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(Bytes(6000, seed: 11), await Store.ReadAllBytesAsync(partB, CancellationToken.None));
    }

    [Fact]
    public async Task MissingKey_GetAndHeadAreNullDeleteIsQuietReadThrows()
    {
        var key = $"{Root}/missing.json";

        Assert.Null(await Store.GetAsync(key, CancellationToken.None));
        Assert.Null(await Store.GetCheckedByCallerAsync(key, 100, CancellationToken.None));
        Assert.Null(await Store.HeadAsync(key, CancellationToken.None));
        await Store.DeleteAsync(key, CancellationToken.None);
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.ReadAllBytesAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_ExistingKey_IsGone()
    {
        var key = $"{Root}/gone.json";
        await Store.PutAsync(key, "{}"u8.ToArray(), "application/json", CancellationToken.None);

        await Store.DeleteAsync(key, CancellationToken.None);

        Assert.Null(await Store.HeadAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Check_StoreReachable_Passes()
    {
        await Store.PutAsync($"{Root}/check.json", "{}"u8.ToArray(), "application/json", CancellationToken.None);

        await Store.CheckAsync(CancellationToken.None);
    }

    private Task CreateAsync(string key, byte[] body) =>
        Store.PutAsync(key, new MemoryStream(body), new ObjectPut("application/vnd.apache.parquet", Md5(body)) { CreateOnly = true }, CancellationToken.None);

    /// <summary>Every byte value, in an order no text encoding would keep (a seeded generator: the same bytes each run).</summary>
    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Md5(byte[] body) => Convert.ToHexStringLower(MD5.HashData(body));

    private static string Sha256(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));
}

/// <summary>The store suite on S3: the local stack's fauxqs.</summary>
public sealed class S3ObjectStoreTests() : ObjectStoreContract(StoreStack.S3)
{
    [Fact]
    public async Task Check_BucketMissing_Throws()
    {
        var options = StoreStack.S3(Root);
        options.Bucket = "no-such-bucket";
        using var store = ObjectStoreServiceCollectionExtensions.CreateObjectStore(options);

        await Assert.ThrowsAnyAsync<Exception>(() => store.CheckAsync(CancellationToken.None));
    }
}

/// <summary>The store suite on Azure Blob Storage: the local stack's Azurite, by connection string.</summary>
public sealed class BlobObjectStoreTests() : ObjectStoreContract(root => StoreStack.Blob(root))
{
    [Fact]
    public async Task Put_ContainerMissing_CreatesItAndStores()
    {
        using var store = ObjectStoreServiceCollectionExtensions.CreateObjectStore(StoreStack.Blob(Root, $"t{Guid.NewGuid():N}"[..20]));

        await store.PutAsync($"{Root}/first.json", "{}"u8.ToArray(), "application/json", CancellationToken.None);

        Assert.Equal("{}"u8.ToArray(), await store.ReadAllBytesAsync($"{Root}/first.json", CancellationToken.None));
        await store.CheckAsync(CancellationToken.None);
    }

    [Fact]
    public async Task List_ContainerMissing_IsEmptyAndCreatesNothing()
    {
        using var store = ObjectStoreServiceCollectionExtensions.CreateObjectStore(StoreStack.Blob(Root, $"t{Guid.NewGuid():N}"[..20]));

        Assert.Empty(await store.ListAsync($"{Root}/", directOnly: false, CancellationToken.None).ToListAsync());
        Assert.Empty(await store.ListAsync($"{Root}/", directOnly: true, CancellationToken.None).ToListAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => store.CheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Check_ContainerMissing_Throws()
    {
        using var store = ObjectStoreServiceCollectionExtensions.CreateObjectStore(StoreStack.Blob(Root, $"t{Guid.NewGuid():N}"[..20]));

        await Assert.ThrowsAnyAsync<Exception>(() => store.CheckAsync(CancellationToken.None));
    }
}
