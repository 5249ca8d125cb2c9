namespace Vinted.Benchmarks;

/// <summary>The benchmarks' embedded SQL (<c>Sql/*.sql</c>).</summary>
internal static class BenchmarkSql
{
    public static string Get(string name)
    {
        using var stream = typeof(BenchmarkSql).Assembly.GetManifestResourceStream($"Vinted.Benchmarks.Sql.{name}.sql")
            ?? throw new InvalidOperationException($"Embedded SQL Sql/{name}.sql is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
