using Npgsql;
using Vinted.ObjectStore;

namespace Vinted.Benchmarks;

/// <summary>The local stack for a benchmark: a fresh database on its PostgreSQL (ConnectionStrings__Warehouse) and its S3 server (S3__*), both set by ./vinted bench.</summary>
internal static class BenchmarkDatabase
{
    public static async Task<string> CreateAsync(string name)
    {
        var server = Environment.GetEnvironmentVariable("ConnectionStrings__Warehouse")
            ?? throw new InvalidOperationException("ConnectionStrings__Warehouse is not set: run benchmarks with ./vinted bench.");
        await using (var dataSource = NpgsqlDataSource.Create(server))
        {
            await using var drop = dataSource.CreateCommand($"drop database if exists \"{name}\" with (force)");
            await drop.ExecuteNonQueryAsync();
            await using var create = dataSource.CreateCommand($"create database \"{name}\"");
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>The local stack's S3 server (S3__*, set by ./vinted bench) with a prefix of the benchmark's own.</summary>
    public static ObjectStoreOptions S3(string prefix) => new()
    {
        Provider = ObjectStoreProvider.S3, ServiceUrl = Setting("S3__ServiceUrl"), Bucket = Setting("S3__Bucket"), AccessKey = Setting("S3__AccessKey"),
        SecretKey = Setting("S3__SecretKey"), Prefix = prefix,
    };

    private static string Setting(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run benchmarks through ./vinted bench, or source .local/stack.env.");
}
