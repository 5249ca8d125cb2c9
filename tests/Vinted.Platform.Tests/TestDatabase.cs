using Npgsql;

namespace Vinted.Platform.Tests;

/// <summary>A fresh database of the local PostgreSQL for one test class, dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private readonly string _name = $"test_platform_{Guid.NewGuid():N}"[..30];
    private string _server = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = Environment.GetEnvironmentVariable("ConnectionStrings__Warehouse")
            ?? throw new InvalidOperationException(
                "ConnectionStrings__Warehouse is not set: run the tests with ./vinted test, or source .local/stack.env after ./vinted stack up.");
        await ExecuteOnServerAsync($"create database \"{_name}\"");
        DataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await ExecuteOnServerAsync($"drop database if exists \"{_name}\" with (force)");
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T?)await command.ExecuteScalarAsync();
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var server = NpgsqlDataSource.Create(_server);
        await using var command = server.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
