using System.Globalization;
using DuckDB.NET.Data;
using Vinted.Lake;

namespace Vinted.Testing;

/// <summary>
/// Reads the lake as an outside engine would: the tables' manifests and the parts they list are downloaded from the S3
/// server (over HTTP, with the product's S3 client) into a folder laid out as the bucket, and DuckDB reads them through
/// the manifest, with the README's one-liner.
/// </summary>
public sealed class LakeReader : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("vinted-lake-test-");
    private readonly DuckDBConnection _duckDb = new("Data Source=:memory:");

    private LakeReader()
    {
        _duckDb.Open();
        Execute("set TimeZone = 'UTC'");
    }

    /// <summary>The local folder standing for <c>s3://bucket/{prefix}/lake/</c>.</summary>
    public string Root => Path.Combine(_folder.FullName, "lake");

    public Dictionary<string, LakeManifest> Manifests { get; } = new(StringComparer.Ordinal);

    public static async Task<LakeReader> DownloadAsync(LakeStore store, IEnumerable<LakeTable> tables)
    {
        var reader = new LakeReader();
        foreach (var table in tables)
        {
            var manifest = await store.ReadManifestAsync(table, CancellationToken.None)
                ?? throw new InvalidOperationException($"The lake has no manifest for {table.Name}.");
            reader.Manifests[table.Name] = manifest;
            await store.DownloadAsync(store.Keys.Manifest(table), Path.Combine(reader.Root, table.Name, LakeKeys.ManifestName), CancellationToken.None);
            foreach (var file in manifest.Partitions.SelectMany(p => p.Files))
            {
                await store.DownloadAsync(file.Key, Path.Combine(reader.Root, table.Name, file.Path), CancellationToken.None);
            }
        }

        return reader;
    }

    /// <summary>The README's DuckDB one-liner: the files the manifest lists, read with their Hive partition column.</summary>
    public string From(string table)
    {
        var location = Path.Combine(Root, table) + "/";
        Execute(
            $"set variable files = (select list('{location}' || f.path) from (select unnest(p.files) as f from (select unnest(partitions) as p from read_json('{location}{LakeKeys.ManifestName}'))))");
        return "read_parquet(getvariable('files'), hive_partitioning = true)";
    }

    /// <summary>Every row of a query (named parameters <c>$name</c>), each as one comparable line.</summary>
    public List<string> Rows(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _duckDb.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        using var reader = command.ExecuteReader();
        return RowText.ReadAll(reader);
    }

    public void Dispose()
    {
        _duckDb.Dispose();
        _folder.Delete(recursive: true);
    }

    private void Execute(string sql)
    {
        using var command = _duckDb.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>Rows as text two engines agree on: decimals without trailing zeros, instants in UTC to the microsecond, null as ∅.</summary>
public static class RowText
{
    public static List<string> ReadAll(System.Data.Common.DbDataReader reader)
    {
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Value(reader.IsDBNull(i) ? null : reader.GetValue(i)))));
        }

        return rows;
    }

    public static string Value(object? value) => value switch
    {
        null => "∅",
        decimal d => d.ToString("0.############", CultureInfo.InvariantCulture),
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
