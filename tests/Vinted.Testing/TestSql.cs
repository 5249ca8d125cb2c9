using System.Globalization;
using Npgsql;

namespace Vinted.Testing;

/// <summary>Queries tests run to check what the product wrote: positional parameters ($1, $2, ...), rows mapped by the caller.</summary>
public static class TestSql
{
    public static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> map, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>The one value of a query that answers one row with a number.</summary>
    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, params object[] parameters) =>
        (await QueryAsync(dataSource, sql, r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), parameters)).Single();
}
