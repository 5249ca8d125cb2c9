using Npgsql;

namespace DurableTask.PostgreSql.Tests.Infrastructure;

/// <summary>A task hub schema for one test class, dropped when the class is done; each test recreates it empty.</summary>
public sealed class HubSchema : IAsyncLifetime
{
    public string Name { get; } = TestDatabase.NewSchemaName();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestDatabase.ExecuteAsync($"drop schema if exists \"{Name}\" cascade");

    /// <summary>Reads one value from the hub's tables (the search path is the hub's schema).</summary>
    public Task<T> ScalarAsync<T>(string sql, params NpgsqlParameter[] parameters) => TestDatabase.ScalarAsync<T>(Name, sql, parameters);

    /// <summary>Polls <paramref name="countSql"/> until it reaches <paramref name="atLeast"/>; fails with <paramref name="failure"/> after <see cref="TestHub.Patience"/>.</summary>
    public async Task WaitForCountAsync(string countSql, long atLeast, string failure)
    {
        var deadline = DateTime.UtcNow + TestHub.Patience;
        while (await ScalarAsync<long>(countSql) < atLeast)
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(200);
        }
    }

    /// <summary>Runs a statement on the hub's tables.</summary>
    public Task ExecuteAsync(string sql, params NpgsqlParameter[] parameters) => TestDatabase.ExecuteAsync(Name, sql, parameters);
}
