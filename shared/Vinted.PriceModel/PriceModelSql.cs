using System.Collections.Concurrent;

namespace Vinted.PriceModel;

/// <summary>The embedded SQL of the price model (<c>Sql/Queries</c>), read once.</summary>
internal static class PriceModelSql
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The text of <c>Sql/Queries/{name}.sql</c>.</summary>
    public static string Get(string name) => Cache.GetOrAdd($"Vinted.PriceModel.Sql.Queries.{name}.sql", static resource =>
    {
        using var stream = typeof(PriceModelSql).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded SQL {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
