using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vinted.Testing;
using Vinted.ObjectStore;
using Vinted.Platform.Postgres;
using Vinted.PriceModel;
using Vinted.PriceModel.Registry;
using Vinted.Warehouse;

namespace Vinted.PriceModel.Tests;

/// <summary>
/// The registry's model files on each object store (the S3 server, Azurite's blob service) with a migrated registry:
/// where a file lies, that it reads back checked, and that a file changed behind the registry's back is refused.
/// </summary>
public sealed class ModelRegistryStoreTests
{
    public static TheoryData<ObjectStoreProvider> Stores => [ObjectStoreProvider.S3, ObjectStoreProvider.AzureBlob];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Register_ModelFile_StoredUnderTheRegistryKeyAndReadBackByteForByte(ObjectStoreProvider provider)
    {
        var (dataSource, objects, registry) = await CreateAsync("roundtrip", provider);
        await using var _ = dataSource;
        using var __ = objects;
        var file = RandomNumberGenerator.GetBytes(200_000);

        var version = await registry.RegisterAsync("price-eur", "run-1", file, beatsBaseline: true, CancellationToken.None);
        await registry.PromoteAsync("price-eur", version, "test", CancellationToken.None);
        var pointer = await registry.ProductionAsync("price-eur", CancellationToken.None);

        Assert.NotNull(pointer);
        Assert.Equal($"{objects.Prefix}/models/price-eur/run-1.zip", pointer.S3Key);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), pointer.Sha256);
        Assert.Equal(file, await registry.ReadFileAsync(pointer, CancellationToken.None));
        Assert.Equal(pointer.Sha256, (await objects.HeadAsync(pointer.S3Key, CancellationToken.None))!.Metadata["sha256"]);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ReadFile_FileReplacedAfterRegistration_IsAnIntegrityError(ObjectStoreProvider provider)
    {
        var (dataSource, objects, registry) = await CreateAsync("tampered", provider);
        await using var _ = dataSource;
        using var __ = objects;
        var version = await registry.RegisterAsync("price-eur", "run-1", RandomNumberGenerator.GetBytes(1000), beatsBaseline: true, CancellationToken.None);
        await registry.PromoteAsync("price-eur", version, "test", CancellationToken.None);
        var pointer = (await registry.ProductionAsync("price-eur", CancellationToken.None))!;

        await objects.PutAsync(pointer.S3Key, RandomNumberGenerator.GetBytes(1000), "application/zip", CancellationToken.None);

        var error = await Assert.ThrowsAsync<ObjectIntegrityException>(() => registry.ReadFileAsync(pointer, CancellationToken.None));
        Assert.Contains(pointer.Sha256, error.Message, StringComparison.Ordinal);
    }

    private static async Task<(NpgsqlDataSource, IObjectStore, ModelRegistry)> CreateAsync(string name, ObjectStoreProvider provider)
    {
        var stack = LocalStack.Instance;
        var dataSource = NpgsqlDataSource.Create(await stack.CreateDatabaseAsync($"{nameof(ModelRegistryStoreTests)}_{name}_{provider}"));
        var migrator = new SqlMigrator(dataSource, NullLogger<SqlMigrator>.Instance);
        await migrator.MigrateAsync(typeof(WarehouseServiceCollectionExtensions).Assembly, "warehouse");
        await migrator.MigrateAsync(typeof(PriceModelServiceCollectionExtensions).Assembly, PriceModelServiceCollectionExtensions.MigrationComponent);
        var objects = LocalStack.CreateStore(stack.Store(provider, $"tests/registry-{name}-{Guid.NewGuid():N}"));
        return (dataSource, objects, new ModelRegistry(dataSource, objects, TimeProvider.System));
    }
}
