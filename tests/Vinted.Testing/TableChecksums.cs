using Npgsql;

namespace Vinted.Testing;

/// <summary>Fingerprints of the warehouse's tables, to show that two ways of getting somewhere end in the same rows.</summary>
public static class TableChecksums
{
    /// <summary>
    /// Row count and an MD5 of the sorted text of every row of every table of <paramref name="schemas"/> (default: every
    /// warehouse schema), with <paramref name="s3Prefix"/> taken out of the text so two S3 prefixes' lineage compares.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ComputeAsync(NpgsqlDataSource dataSource, string s3Prefix, params string[] schemas)
    {
        var tables = new List<string>();
        await using (var list = dataSource.CreateCommand(
            """
            select format('%I.%I', table_schema, table_name) from information_schema.tables
            where table_schema = any($1) and table_type in ('BASE TABLE', 'VIEW')
            order by 1
            """))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = schemas.Length > 0 ? schemas : new[] { "staging", "core", "mart", "quality" } });
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var sums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            // Table names come from the catalog query above, quoted by format('%I').
            await using var command = dataSource.CreateCommand(
                $"select count(*) || ':' || coalesce(md5(string_agg(replace(t::text, $1, ''), '|' order by replace(t::text, $1, ''))), '') from {table} t");
            command.Parameters.Add(new NpgsqlParameter { Value = s3Prefix });
            sums[table] = (string)(await command.ExecuteScalarAsync())!;
        }

        return sums;
    }
}
