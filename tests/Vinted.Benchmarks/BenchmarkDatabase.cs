using Npgsql;

namespace Vinted.Benchmarks;

/// <summary>A fresh database on the local stack's PostgreSQL (ConnectionStrings__Warehouse, set by ./vinted bench).</summary>
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
}
