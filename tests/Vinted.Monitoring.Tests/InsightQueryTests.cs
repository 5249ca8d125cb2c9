using Vinted.Monitoring.Insights;

namespace Vinted.Monitoring.Tests;

public sealed class InsightQueryTests
{
    private static InsightQuery Query(string? domain = null, string? brand = null, string? catalog = null, string? currency = "EUR", string? from = null, string? to = null, string? bins = null, string? top = null) =>
        new(domain, brand, catalog, currency, from, to, bins, top);

    [Fact]
    public void TryParse_ValidValues_NormalizedFilter()
    {
        var ok = Query(domain: " PT ", brand: " Levi's ", catalog: "1206", currency: "eur", from: "2026-10-01", to: "2026-10-31", bins: "20", top: "5")
            .TryParse(requireCurrency: true, out var filter, out var errors);

        Assert.True(ok, string.Join("; ", errors.Keys));
        Assert.Equal(new InsightFilter("pt", "Levi's", 1206, "EUR", new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), 20, 5), filter);
    }

    [Fact]
    public void TryParse_NothingGiven_AnyAndDefaults()
    {
        Assert.True(Query(currency: null).TryParse(requireCurrency: false, out var filter, out _));
        Assert.Equal(new InsightFilter(null, null, null, null, null, null, 30, 10), filter);
    }

    [Theory]
    [InlineData(null, null, null, null, null, "currency")]
    [InlineData("x", "EUR", null, null, null, "domain")]
    [InlineData("pt", "EURO", null, null, null, "currency")]
    [InlineData("pt", "EUR", "0", null, null, "catalog")]
    [InlineData("pt", "EUR", "12 06", null, null, "catalog")]
    [InlineData("pt", "EUR", null, "2026-10-32", null, "from")]
    [InlineData("pt", "EUR", null, "2026-10-05", "2026-10-04", "from")]
    [InlineData("pt", "EUR", null, "2024-01-01", "2026-01-01", "to")]
    public void TryParse_InvalidValue_NamesTheParameter(string? domain, string? currency, string? catalog, string? from, string? to, string parameter)
    {
        Assert.False(Query(domain: domain, currency: currency, catalog: catalog, from: from, to: to).TryParse(requireCurrency: true, out _, out var errors));
        Assert.Equal([parameter], errors.Keys);
    }

    [Fact]
    public void TryParse_RangeOfExactlyTheLimit_Accepted()
    {
        var from = new DateOnly(2026, 1, 1);
        var to = from.AddDays(InsightQuery.MaxDays - 1);

        Assert.True(Query(from: from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), to: to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            .TryParse(requireCurrency: true, out _, out _));
    }
}
