using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Platform.Postgres;
using Vinted.Testing;
using Vinted.Lake;
using Vinted.ObjectStore;
using Vinted.Warehouse;

namespace Vinted.Lake.Tests;

/// <summary>
/// The lake writer against a migrated database and each object store (the S3 server, Azurite's blob service): rewrites of a
/// day, a day of several row groups, and a value it cannot hold.
/// </summary>
public sealed class LakeWriterTests
{
    private static readonly DateOnly Day = new(2026, 10, 1);
    private static readonly LakeTable Daily = LakeTable.Facts[0];

    public static TheoryData<ObjectStoreProvider> Stores => [ObjectStoreProvider.S3, ObjectStoreProvider.AzureBlob];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SameDayWrittenTwice_OnePartUnderANewNameWithTheSameBytes_SupersededPartDeleted(ObjectStoreProvider provider)
    {
        var (dataSource, objects, store, writer) = await CreateAsync("rewrite", provider);
        await using var _ = dataSource;
        using var __ = objects;
        await InsertFactsAsync(dataSource, 12.5m, 7m, 1999.99m);

        var first = await writer.WriteAsync([Day], CancellationToken.None);
        var second = await writer.WriteAsync([Day], CancellationToken.None);

        var firstPart = first.Writes.Single(w => w.Table == Daily.Name);
        var secondPart = second.Writes.Single(w => w.Table == Daily.Name);
        Assert.NotEqual(firstPart.Key, secondPart.Key);
        Assert.Equal(3, secondPart.Rows);
        var partition = Assert.Single((await store.ReadManifestAsync(Daily, CancellationToken.None))!.Partitions);
        var file = Assert.Single(partition.Files);
        Assert.Equal(secondPart.Key, file.Key);
        Assert.Equal([secondPart.Key], await store.ListPartsAsync(store.Keys.Partition(Daily, Day), CancellationToken.None));
        // The same mart gives the same file: a retry changes the name, never the content.
        Assert.Equal(firstPart.Bytes, secondPart.Bytes);
        Assert.Equal(file.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await ReadAsync(store, file.Key))));
        Assert.All(LakeTable.Dimensions, d => Assert.Contains(second.Writes, w => w.Table == d.Name && w.Day is null));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task PriceWithMoreDecimalsThanTheFileHolds_RefusedNamingTheColumn_LakeLeftAsItWas(ObjectStoreProvider provider)
    {
        var (dataSource, objects, store, writer) = await CreateAsync("decimals", provider);
        await using var _ = dataSource;
        using var __ = objects;
        await InsertFactsAsync(dataSource, 12.5m);
        await writer.WriteAsync([Day], CancellationToken.None);
        var before = await store.ReadManifestAsync(Daily, CancellationToken.None);
        await InsertFactsAsync(dataSource, 12.5m, 0.1234567m);

        var error = await Assert.ThrowsAsync<LakeDataException>(() => writer.WriteAsync([Day], CancellationToken.None));

        Assert.Contains("fact_listing_daily.price", error.Message, StringComparison.Ordinal);
        Assert.Contains("0.1234567", error.Message, StringComparison.Ordinal);
        var after = await store.ReadManifestAsync(Daily, CancellationToken.None);
        Assert.Equal(before!.Partitions.Single().Files.Single(), after!.Partitions.Single().Files.Single());
        Assert.Equal([before.Partitions.Single().Files.Single().Key], await store.ListPartsAsync(store.Keys.Partition(Daily, Day), CancellationToken.None));
    }

    [Fact]
    public async Task DayOfSeveralRowGroups_EveryRowInKeyOrder_GroupsOfTheConfiguredSize()
    {
        // 2,500 rows in groups of 1,000: two full groups (each encoded while the next one fills) and a partial last one.
        var (dataSource, objects, store, writer) = await CreateAsync("groups", ObjectStoreProvider.S3);
        await using var _ = dataSource;
        using var __ = objects;
        var prices = Enumerable.Range(0, 2_500).Select(i => 1m + i / 100m).ToArray();
        await InsertFactsAsync(dataSource, prices);

        var result = await writer.WriteAsync([Day], CancellationToken.None, dimensions: false);

        var part = result.Writes.Single(w => w.Table == Daily.Name);
        Assert.Equal(2_500, part.Rows);
        await using var file = new MemoryStream(await ReadAsync(store, part.Key));
        await using var parquet = await Parquet.ParquetReader.CreateAsync(file);
        var itemId = parquet.Schema.DataFields.Single(f => f.Name == "item_id");
        var price = parquet.Schema.DataFields.Single(f => f.Name == "price");
        var sizes = new List<int>();
        var ids = new List<long>();
        var read = new List<decimal>();
        for (var g = 0; g < parquet.RowGroupCount; g++)
        {
            using var group = parquet.OpenRowGroupReader(g);
            // The query's columns are nullable to the reader, so the file's are too.
            var groupIds = new long?[group.RowCount];
            var groupPrices = new decimal?[group.RowCount];
            await group.ReadAsync<long>(itemId, groupIds);
            await group.ReadAsync<decimal>(price, groupPrices);
            sizes.Add(groupIds.Length);
            ids.AddRange(groupIds.Select(i => i!.Value));
            read.AddRange(groupPrices.Select(p => p!.Value));
        }

        Assert.Equal([1_000, 1_000, 500], sizes);
        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => 1000L + i), ids);
        Assert.Equal(prices, read);
    }

    private static async Task<(NpgsqlDataSource, IObjectStore, LakeStore, LakeWriter)> CreateAsync(string name, ObjectStoreProvider provider)
    {
        var stack = LocalStack.Instance;
        var dataSource = NpgsqlDataSource.Create(await stack.CreateDatabaseAsync($"{nameof(LakeWriterTests)}_{name}_{provider}"));
        await new SqlMigrator(dataSource, NullLogger<SqlMigrator>.Instance).MigrateAsync(typeof(WarehouseServiceCollectionExtensions).Assembly, "warehouse");
        var objects = LocalStack.CreateStore(stack.Store(provider, $"tests/lake-writer-{name}-{Guid.NewGuid():N}"));
        var store = new LakeStore(objects);
        var writer = new LakeWriter(dataSource, store, Options.Create(new LakeOptions { RowGroupRows = 1_000 }), TimeProvider.System, NullLogger<LakeWriter>.Instance);
        return (dataSource, objects, store, writer);
    }

    /// <summary>Replaces the day's facts with one listing per price.</summary>
    private static async Task InsertFactsAsync(NpgsqlDataSource dataSource, params decimal[] prices)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select mart.prepare_day($1)") { Parameters = { new() { Value = Day } } });
        foreach (var (price, i) in prices.Select((p, i) => (p, i)))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                insert into mart.fact_listing_daily (snapshot_date, domain, item_id, brand_key, catalog_key, size_key, condition_key, seller_id, price,
                    currency, previous_price, is_new, price_dropped, favourite_count, run_id, s3_key, item_index)
                values ($1, 'pt', $2, -1, -1, -1, -1, null, $3, 'EUR', null, true, false, null, 'run-1', 'tests/raw/page=00001.json', $4)
                """)
            {
                Parameters = { new() { Value = Day }, new() { Value = 1000L + i }, new() { Value = price }, new() { Value = i } },
            });
        }

        await batch.ExecuteNonQueryAsync();
    }

    private static async Task<byte[]> ReadAsync(LakeStore store, string key)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lake-writer-test-{Guid.NewGuid():N}.parquet");
        try
        {
            await store.DownloadAsync(key, path, CancellationToken.None);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
