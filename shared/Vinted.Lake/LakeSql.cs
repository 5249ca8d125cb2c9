using System.Collections.Concurrent;

namespace Vinted.Lake;

/// <summary>The lake's embedded SQL (<c>Sql/*.sql</c>, <c>Sql/Tables/*.sql</c>), read once.</summary>
internal static class LakeSql
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The text of <c>Sql/{name}.sql</c>, with a dot for a folder (<c>Tables.dim_brand</c>).</summary>
    public static string Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = typeof(LakeSql).Assembly.GetManifestResourceStream($"Vinted.Lake.Sql.{n}.sql")
            ?? throw new InvalidOperationException($"Embedded SQL Sql/{n.Replace('.', '/')}.sql is missing from Vinted.Lake.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
