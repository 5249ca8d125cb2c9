using Npgsql;

namespace DurableTask.PostgreSql.Tests.Infrastructure;

/// <summary>A task hub schema for one test class, dropped when the class is done; each test recreates it empty.</summary>
public sealed class HubSchema : IAsyncLifetime
{
    public string Name { get; } = TestDatabase.NewSchemaName();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestDatabase.ExecuteAsync($"drop schema if exists \"{Name}\" cascade");

    /// <summary>Reads one value from the hub's tables (the search path is the hub's schema).</summary>
    public async Task<T> ScalarAsync<T>(string sql, params NpgsqlParameter[] parameters)
    {
        var connection = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { SearchPath = Name };
        await using var dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a statement on the hub's tables.</summary>
    public async Task ExecuteAsync(string sql, params NpgsqlParameter[] parameters)
    {
        var connection = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { SearchPath = Name };
        await using var dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync();
    }
}
