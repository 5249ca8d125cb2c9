using Npgsql;

namespace DurableTask.PostgreSql.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL the tests run against: <c>DURABLETASK_POSTGRESQL_TESTS</c> (a connection string) when set, else the
/// local stack's (<c>ConnectionStrings__Warehouse</c> from the environment or from <c>.local/stack.env</c> above the
/// test assembly, written by <c>./vinted stack up</c>).
/// </summary>
internal static class TestDatabase
{
    private const string StackKey = "ConnectionStrings__Warehouse";

    private static readonly Lazy<string> Connection = new(Load);

    public static string ConnectionString => Connection.Value;

    /// <summary>A schema name of its own ("dt_" + 12 hex digits): no test class sees another's task hub.</summary>
    public static string NewSchemaName() => $"dt_{Guid.NewGuid():N}"[..15];

    public static Task ExecuteAsync(string sql, params NpgsqlParameter[] parameters) => ExecuteAsync(null, sql, parameters);

    public static Task<T> ScalarAsync<T>(string sql, params NpgsqlParameter[] parameters) => ScalarAsync<T>(null, sql, parameters);

    /// <summary>Runs a statement, with <paramref name="searchPath"/> (a hub's schema) first on the search path when given.</summary>
    public static async Task ExecuteAsync(string? searchPath, string sql, NpgsqlParameter[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = searchPath }.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads one value, with <paramref name="searchPath"/> first on the search path when given.</summary>
    public static async Task<T> ScalarAsync<T>(string? searchPath, string sql, NpgsqlParameter[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = searchPath }.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static string Load()
    {
        if (Environment.GetEnvironmentVariable("DURABLETASK_POSTGRESQL_TESTS") is { Length: > 0 } own)
        {
            return own;
        }

        if (Environment.GetEnvironmentVariable(StackKey) is { Length: > 0 } stack)
        {
            return stack;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, ".local", "stack.env");
            if (File.Exists(file))
            {
                return File.ReadAllLines(file)
                    .Select(l => l.Split('=', 2))
                    .Where(p => p.Length == 2 && p[0] == StackKey)
                    .Select(p => p[1].Trim('\''))
                    .FirstOrDefault()
                    ?? throw new InvalidOperationException($"{file} has no {StackKey}.");
            }
        }

        throw new InvalidOperationException(
            "No PostgreSQL for the provider tests: set DURABLETASK_POSTGRESQL_TESTS to a connection string, or run ./vinted stack up.");
    }
}
