using Vinted.Platform.Sql;

namespace Vinted.Benchmarks;

/// <summary>The benchmarks' embedded SQL (<c>Sql/*.sql</c>).</summary>
internal static class BenchmarkSql
{
    public static readonly EmbeddedSql Scripts = new(typeof(BenchmarkSql).Assembly);
}
