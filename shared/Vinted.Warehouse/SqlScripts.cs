using System.Collections.Concurrent;

namespace Vinted.Warehouse;

/// <summary>The embedded SQL of the warehouse (<c>Sql/Transformations</c>, <c>Sql/Checks</c>), read once.</summary>
internal static class SqlScripts
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The text of <c>Sql/{folder}/{name}.sql</c>.</summary>
    public static string Get(string folder, string name) => Cache.GetOrAdd($"Vinted.Warehouse.Sql.{folder}.{name}.sql", static resource =>
    {
        using var stream = typeof(SqlScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded SQL {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
