using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;
using Vinted.ObjectStore;
using Vinted.ObjectStore.S3;

namespace Vinted.Benchmarks;

/// <summary>The local stack for a benchmark: a fresh database on its PostgreSQL (ConnectionStrings__Warehouse) and its S3 server (S3__*), both set by ./vinted bench.</summary>
internal static class BenchmarkDatabase
{
    public static async Task<string> CreateAsync(string name)
    {
        var server = Server();
        await using (var dataSource = NpgsqlDataSource.Create(server))
        {
            await using var drop = dataSource.CreateCommand($"drop database if exists \"{name}\" with (force)");
            await drop.ExecuteNonQueryAsync();
            await using var create = dataSource.CreateCommand($"create database \"{name}\"");
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>The connection string of a database a benchmark made before, kept as it is.</summary>
    public static string Existing(string name) => new NpgsqlConnectionStringBuilder(Server()) { Database = name }.ConnectionString;

    private static string Server() => Environment.GetEnvironmentVariable("ConnectionStrings__Warehouse")
        ?? throw new InvalidOperationException("ConnectionStrings__Warehouse is not set: run benchmarks with ./vinted bench.");

    /// <summary>The local stack's S3 server (S3__*, set by ./vinted bench) with a prefix of the benchmark's own.</summary>
    public static ObjectStoreOptions S3(string prefix) => new()
    {
        Provider = ObjectStoreProvider.S3, ServiceUrl = Setting("S3__ServiceUrl"), Bucket = Setting("S3__Bucket"), AccessKey = Setting("S3__AccessKey"),
        SecretKey = Setting("S3__SecretKey"), Prefix = prefix,
    };

    /// <summary>
    /// Removes what a benchmark wrote under its prefix of the local S3 server (a 1,000,000-listing day is about 2 GB),
    /// with S3's bulk delete; returns how many objects went.
    /// </summary>
    public static async Task<int> DeletePrefixAsync(ObjectStoreOptions options, CancellationToken cancellationToken)
    {
        using var store = ObjectStoreServiceCollectionExtensions.CreateObjectStore(options);
        using var s3 = S3ObjectStore.CreateClient(options);
        var keys = new List<string>();
        await foreach (var entry in store.ListAsync(store.Prefix + "/", directOnly: false, cancellationToken))
        {
            keys.Add(entry.Key);
        }

        await DeleteObjectsAsync(s3, options.Bucket, keys, cancellationToken);
        return keys.Count;
    }

    /// <summary>Removes what a benchmark wrote under its prefix (<see cref="DeletePrefixAsync"/>) when disposed, and says how many objects went.</summary>
    public static IAsyncDisposable RemoveObjectsAtEnd(ObjectStoreOptions options) => new PrefixRemoval(options);

    /// <summary>Deletes the keys 1,000 a request (S3's limit for one bulk delete).</summary>
    public static async Task DeleteObjectsAsync(IAmazonS3 s3, string bucket, IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Chunk(1_000))
        {
            await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [.. chunk.Select(k => new KeyVersion { Key = k })] }, cancellationToken);
        }
    }

    private static string Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run benchmarks through ./vinted bench, or source .local/stack.env.");

    private sealed class PrefixRemoval(ObjectStoreOptions options) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() =>
            Console.WriteLine($"removed the benchmark's {await DeletePrefixAsync(options, CancellationToken.None):N0} objects from the local S3 server");
    }
}
