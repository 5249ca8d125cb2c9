using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using Vinted.Monitoring.Insights;
using Vinted.PriceModel.Serving;

namespace Vinted.Functions.Tests;

/// <summary>
/// The request reading both hosts share (the self-host's minimal API and the Azure app's HTTP functions call the same
/// code): an insight query from the query string, an estimate request's items and errors, a promotion's body.
/// Nothing here reaches a store: every case is decided before one would be asked.
/// </summary>
public sealed class SharedRequestTests
{
    /// <summary>A store that is never asked: the data source is only an address, no connection is opened.</summary>
    private static readonly InsightsStore UnusedStore = new(NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=none"));

    [Fact]
    public void ReadQuery_NamesInAnyCase_FirstValueOfARepeat()
    {
        var query = InsightEndpoints.ReadQuery(Query("?Currency=eur&domain=pt&domain=fr&catalog=12&from=2026-01-01&to=2026-02-01&bins=40&TOP=5&brand=Zara"));

        Assert.Equal(new InsightQuery("pt", "Zara", "12", "eur", "2026-01-01", "2026-02-01", "40", "5"), query);
        Assert.True(query.TryParse(requireCurrency: true, out var filter, out _));
        Assert.Equal(new InsightFilter("pt", "Zara", 12, "EUR", new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1), 40, 5), filter);
    }

    [Fact]
    public void ReadQuery_Nothing_IsTheDefaults()
    {
        var query = InsightEndpoints.ReadQuery(Query(""));

        Assert.Equal(new InsightQuery(null, null, null, null, null, null, null, null), query);
        Assert.True(query.TryParse(requireCurrency: false, out var filter, out _));
        Assert.Equal((30, 10), (filter.Bins, filter.Top));
    }

    [Theory]
    [InlineData("price-trend")]
    [InlineData("price-distribution")]
    [InlineData("top-brands")]
    public async Task AnswerAsync_PriceInsightWithoutCurrency_Is400NamingIt(string name)
    {
        var result = await InsightEndpoints.AnswerAsync(name, Query("?domain=pt"), UnusedStore, CancellationToken.None);

        var problem = Assert.IsType<ValidationProblem>(result);
        Assert.Equal(["currency"], problem.ProblemDetails.Errors.Keys);
    }

    [Fact]
    public async Task AnswerAsync_UnknownName_Is404ListingTheInsights()
    {
        var result = await InsightEndpoints.AnswerAsync("prices", Query(""), UnusedStore, CancellationToken.None);

        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(404, problem.StatusCode);
        Assert.All(InsightEndpoints.Names, name => Assert.Contains(name, problem.ProblemDetails.Detail, StringComparison.Ordinal));
        Assert.Equal(["filters", "new-vs-vanished", "price-distribution", "price-trend", "time-to-sell", "top-brands"], InsightEndpoints.Names);
    }

    [Fact]
    public void ReadEstimateRequest_OneItem_IsNotABatch()
    {
        var (items, batch, errors) = PriceEndpoints.ReadEstimateRequest(Json("""{"currency":"EUR","domain":"pt","catalog":12,"brand":"Zara"}"""), maxBatch: 10);

        Assert.False(batch);
        Assert.Empty(errors);
        var item = Assert.Single(items);
        Assert.Equal(("EUR", "pt", 12L, "Zara"), (item.Currency, item.Domain, item.Catalog!.Value, item.Brand));
    }

    [Fact]
    public void ReadEstimateRequest_Batch_NamesEachFailingFieldByItsIndex()
    {
        var (items, batch, errors) = PriceEndpoints.ReadEstimateRequest(
            Json("""{"items":[{"currency":"EUR","domain":"pt","catalog":12},{"currency":"eur","domain":"pt"},{"currency":"EUR","domain":"pt","catalog":1,"colour":"red"},7]}"""),
            maxBatch: 10);

        Assert.True(batch);
        Assert.Equal(2, items.Count);
        Assert.Equal(4, errors.Count);
        Assert.Contains("items[1].catalog", errors.Keys);
        Assert.Contains("items[1].currency", errors.Keys);
        Assert.Contains("items[3]", errors.Keys);
        // The unknown field fails the item's reading: named in the key or, when the reader gives no path, in the message.
        var unknown = Assert.Single(errors, e => e.Key.StartsWith("items[2]", StringComparison.Ordinal));
        Assert.Contains("colour", unknown.Key + unknown.Value.Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"items":[]}""", "items")]
    [InlineData("""{"items":{}}""", "items")]
    [InlineData("""{"items":[{},{},{}]}""", "items")]
    [InlineData("""{"items":[{"currency":"EUR","domain":"pt","catalog":1}],"currency":"EUR"}""", "currency")]
    [InlineData("[1]", "body")]
    public void ReadEstimateRequest_MalformedShape_NamesTheOneField(string body, string field)
    {
        var (_, _, errors) = PriceEndpoints.ReadEstimateRequest(Json(body), maxBatch: 2);

        Assert.Equal([field], errors.Keys);
    }

    [Theory]
    [InlineData("", null, false)]
    [InlineData("""{"version": 3}""", 3, false)]
    [InlineData("{}", null, false)]
    [InlineData("""{"version": "three"}""", null, true)]
    [InlineData("nope", null, true)]
    public async Task ReadPromoteBodyAsync_ReadsTheVersionOrSaysWhyNot(string body, int? version, bool error)
    {
        var (read, problem) = await PriceEndpoints.ReadPromoteBodyAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), CancellationToken.None);

        Assert.Equal(version, read?.Version);
        Assert.Equal(error, problem is not null);
    }

    private static QueryCollection Query(string text) => new(QueryHelpers.ParseQuery(text));

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
