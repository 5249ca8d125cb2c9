using Npgsql;
using NpgsqlTypes;
using Vinted.Platform.Sql;

namespace Vinted.Monitoring.Insights;

/// <summary>
/// Runs the insight queries (<c>Sql/Insights/*.sql</c>, embedded) against the mart. Every filter value travels as
/// a parameter; a null filter means "any".
/// </summary>
public sealed class InsightsStore(NpgsqlDataSource dataSource)
{
    private static readonly EmbeddedSql Sql = EmbeddedSql.Of<InsightsStore>();

    /// <summary>The filter's dates, defaulted: <c>to</c> is the newest snapshot, <c>from</c> 90 days before it. Null when the mart is empty.</summary>
    public async Task<(DateOnly From, DateOnly To)?> ResolveRangeAsync(InsightFilter filter, CancellationToken cancellationToken)
    {
        var to = filter.To;
        if (to is null)
        {
            await using var command = dataSource.CreateCommand("select max(snapshot_date) from mart.fact_listing_daily");
            if (await command.ExecuteScalarAsync(cancellationToken) is not DateOnly newest)
            {
                return null;
            }

            to = newest;
        }

        return (filter.From ?? to.Value.AddDays(-(InsightQuery.DefaultDays - 1)), to.Value);
    }

    public Task<List<PricePoint>> PriceTrendAsync(InsightFilter filter, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        QueryAsync("price_trend", filter, from, to, r => new PricePoint(
            r.GetFieldValue<DateOnly>(0), r.GetInt64(1), NullableDecimal(r, 2), NullableDecimal(r, 3), NullableDecimal(r, 4)), cancellationToken);

    public async Task<PriceDistribution> PriceDistributionAsync(InsightFilter filter, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync("price_distribution", filter, from, to, r => (Bin: r.GetInt32(0), Count: r.GetInt64(1), Lo: r.GetDouble(2), Hi: r.GetDouble(3)), cancellationToken);
        if (rows.Count == 0)
        {
            return new PriceDistribution(filter.Currency!, from, to, 0, []);
        }

        // Every bin, empty ones included, so the bars sit on a regular axis.
        var (lo, hi) = (rows[0].Lo, rows[0].Hi);
        var bins = hi > lo ? filter.Bins : 1;
        var width = hi > lo ? (hi - lo) / bins : 0;
        var counts = rows.ToDictionary(r => r.Bin, r => r.Count);
        var result = Enumerable.Range(1, bins)
            .Select(b => new PriceBin(Round(lo + ((b - 1) * width)), Round(hi > lo ? lo + (b * width) : hi), counts.GetValueOrDefault(b)))
            .ToList();
        return new PriceDistribution(filter.Currency!, from, to, rows.Sum(r => r.Count), result);
    }

    public Task<List<DayFlow>> NewVsVanishedAsync(InsightFilter filter, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        QueryAsync("new_vs_vanished", filter, from, to, r => new DayFlow(r.GetFieldValue<DateOnly>(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7)), cancellationToken);

    public Task<List<(string Basis, int Days, long Listings)>> TimeToSellAsync(InsightFilter filter, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        QueryAsync("time_to_sell", filter, from, to, r => (r.GetString(0), r.GetInt32(1), r.GetInt64(2)), cancellationToken);

    public Task<List<BrandRank>> TopBrandsAsync(InsightFilter filter, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        QueryAsync("top_brands", filter, from, to, r => new BrandRank(r.GetString(0), r.GetInt64(1), NullableDecimal(r, 2)), cancellationToken);

    public async Task<InsightFilters> FiltersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["Insights/filters"]);
        command.Parameters.Add(new NpgsqlParameter<int>("brands", 300));
        command.Parameters.Add(new NpgsqlParameter<int>("catalogs", 300));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        DateOnly? first = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateOnly>(0);
        DateOnly? last = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1);
        await reader.NextResultAsync(cancellationToken);
        var domains = new List<DomainOption>();
        while (await reader.ReadAsync(cancellationToken))
        {
            domains.Add(new DomainOption(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        await reader.NextResultAsync(cancellationToken);
        var brands = new List<NamedCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            brands.Add(new NamedCount(reader.GetString(0), reader.GetInt64(1)));
        }

        await reader.NextResultAsync(cancellationToken);
        var catalogs = new List<CatalogOption>();
        while (await reader.ReadAsync(cancellationToken))
        {
            catalogs.Add(new CatalogOption(reader.GetInt64(0), reader.GetInt64(1)));
        }

        var currencies = domains.GroupBy(d => d.Currency).OrderByDescending(g => g.Sum(d => d.Listings)).Select(g => g.Key).ToList();
        return new InsightFilters(first, last, domains, currencies, brands, catalogs);
    }

    private async Task<List<T>> QueryAsync<T>(string script, InsightFilter filter, DateOnly from, DateOnly to, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql[$"Insights/{script}"]);
        var sql = command.CommandText;
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("from", from));
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("to", to));
        // Only the parameters the script names: top_brands, for one, has no brand filter.
        AddIfUsed(command, sql, "currency", NpgsqlDbType.Text, filter.Currency);
        AddIfUsed(command, sql, "domain", NpgsqlDbType.Text, filter.Domain);
        AddIfUsed(command, sql, "brand", NpgsqlDbType.Text, filter.Brand);
        AddIfUsed(command, sql, "catalog", NpgsqlDbType.Bigint, filter.Catalog);
        AddIfUsed(command, sql, "bins", NpgsqlDbType.Integer, filter.Bins);
        AddIfUsed(command, sql, "top", NpgsqlDbType.Integer, filter.Top);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static void AddIfUsed(NpgsqlCommand command, string sql, string name, NpgsqlDbType type, object? value)
    {
        if (sql.Contains($"@{name}", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        }
    }

    private static decimal? NullableDecimal(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    private static double Round(double value) => Math.Round(value, 2);
}
