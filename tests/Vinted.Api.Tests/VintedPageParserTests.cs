using System.Text;
using Vinted.Api.Models;
using Vinted.Api.Parsing;

namespace Vinted.Api.Tests;

public sealed class VintedPageParserTests
{
    private static ParsedPage Parse(string json) => VintedPageParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_CurrentForm_ReadsEveryField()
    {
        var page = Parse("""
            {"items":[{"id":5043893571,"title":"Nike Air Max 90","price":{"amount":"45.0","currency_code":"EUR"},
            "total_item_price":{"amount":"47.95","currency_code":"EUR"},"service_fee":{"amount":"2.95","currency_code":"EUR"},
            "brand_title":"Nike","size_title":"42","status":"Muito bom","is_visible":true,"favourite_count":12,"view_count":0,
            "path":"/items/5043893571-nike","url":"https://www.vinted.pt/items/5043893571-nike","unknown":{"deep":[1,2]},
            "user":{"id":77283267,"login":"seller","business":false},
            "photo":{"id":2077755291,"width":600,"height":800,"url":"https://images1.vinted.net/x","high_resolution":{"timestamp":1700000000}}}],
            "pagination":{"current_page":1,"total_pages":34,"total_entries":3264,"per_page":96,"time":1732450000},"code":0}
            """);
        var item = Assert.Single(page.Items);
        Assert.Equal(5043893571, item.Id);
        Assert.Equal(45.0m, item.Price);
        Assert.Equal("EUR", item.Currency);
        Assert.Equal(47.95m, item.TotalItemPrice);
        Assert.Equal(2.95m, item.ServiceFee);
        Assert.Equal(("Nike", "42", "Muito bom"), (item.BrandTitle, item.SizeTitle, item.Status));
        Assert.True(item.IsVisible);
        Assert.Equal(77283267, item.User!.Id);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), item.ListedAt);
        Assert.Equal(new VintedPagination(1, 34, 3264, 96, 1732450000), page.Pagination);
        Assert.Equal(PageProblemKind.None, page.ProblemKind);
    }

    [Fact]
    public void Parse_OldStringForm_ReadsPriceCurrencyAndFlags()
    {
        var page = Parse("""
            {"items":[{"id":"9223372036854775807","price":"45.0","currency":"GBP","total_item_price":"47.95","service_fee":"2.95",
            "is_visible":0,"brand_title":null,"photo":null,"user":null,"status_id":2,"brand_id":53,"size_id":4,"catalog_id":1206,
            "photos":[{"id":1},{"id":2}],"created_at_ts":"2023-10-04T14:47:06-06:00"}]}
            """);
        var item = Assert.Single(page.Items);
        Assert.Equal(long.MaxValue, item.Id);
        Assert.Equal((45.0m, "GBP", 47.95m, 2.95m), (item.Price, item.Currency, item.TotalItemPrice, item.ServiceFee));
        Assert.False(item.IsVisible);
        Assert.Null(item.BrandTitle);
        Assert.Null(item.User);
        Assert.Equal((2L, 53L, 4L, 1206L), (item.StatusId, item.BrandId, item.SizeId, item.CatalogId));
        Assert.Equal(2, item.PhotoCount);
        Assert.Equal(1, item.Photo!.Id);
        Assert.Equal(PageProblemKind.MissingPagination, page.ProblemKind);
    }

    [Theory]
    [InlineData("""{"items":[{"id":1,"title":"a \"quoted\" title"}, [] ,{"id":"x"},  {"id":3,"user":{"id":9}}],"pagination":{"current_page":1}}""", 4)]
    [InlineData("""{"pagination":null,"items":[]}""", 0)]
    [InlineData("""{"items":[{"id":1}],"items":[{"id":2},{"id":3}]}""", 2)]
    public void Parse_ElementRanges_AreEachElementsBytesAsInTheBody(string json, int elements)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var page = VintedPageParser.Parse(body);

        // The loader keeps a rejected element's bytes from these ranges: each must be that element exactly as sent.
        Assert.NotNull(page.ElementRanges);
        Assert.Equal(elements, page.ElementRanges.Count);
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var last = document.RootElement.EnumerateObject().Last(p => p.NameEquals("items")).Value;
        Assert.Equal(
            last.EnumerateArray().Select(e => e.GetRawText()),
            page.ElementRanges.Select(r => Encoding.UTF8.GetString(body, r.Start, r.Length)));
    }

    [Theory]
    [InlineData("""{"items":[{"id":1}""")]
    [InlineData("""{"item":{"id":1}}""")]
    [InlineData("""{"items":{"id":1}}""")]
    public void Parse_NoItemsArray_HasNoElementRanges(string json) =>
        Assert.Null(Parse(json).ElementRanges);

    [Fact]
    public void Parse_NonNumericId_ReportsItemProblemAndKeepsOthers()
    {
        var page = Parse("""{"items":[{"id":"item id"},{"id":7},[]],"pagination":{"current_page":1,"total_pages":1,"total_entries":3,"per_page":96}}""");
        Assert.Equal(7, Assert.Single(page.Items).Id);
        Assert.Equal([0, 2], page.ItemProblems.Select(p => p.Index));
    }

    [Theory]
    [InlineData("\"12.50\"", "12.50")]
    [InlineData("\"12\"", "12")]
    [InlineData("12.5", "12.5")]
    [InlineData("{\"amount\":\"7.0\",\"currency_code\":\"EUR\"}", "7.0")]
    public void Parse_PriceWithDecimalPointOrNone_Read(string price, string expected)
    {
        var page = Parse($$"""{"items":[{"id":1,"price":{{price}},"currency":"EUR"}]}""");
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(page.Items).Price);
    }

    [Theory]
    [InlineData("\"12,50\"")]
    [InlineData("\"1,250\"")]
    [InlineData("\" 12.50\"")]
    [InlineData("\"12.\"")]
    [InlineData("\"-3.0\"")]
    [InlineData("{\"amount\":\"12,50\",\"currency_code\":\"EUR\"}")]
    [InlineData("true")]
    public void Parse_UnreadablePrice_ItemProblemNamingThePrice(string price)
    {
        var page = Parse($$"""{"items":[{"id":1,"price":{{price}},"currency":"EUR"},{"id":2,"price":"3.5","currency":"EUR"}]}""");
        Assert.Equal(2, Assert.Single(page.Items).Id);
        Assert.StartsWith("price is not a decimal number", Assert.Single(page.ItemProblems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LoneSurrogateInTitle_ItemProblemNotAThrow()
    {
        var page = Parse("""{"items":[{"id":1,"title":"bad \ud800","price":"1.0"},{"id":2,"title":"good","price":"1.0"}]}""");
        Assert.Equal(2, Assert.Single(page.Items).Id);
        Assert.Equal(0, Assert.Single(page.ItemProblems).Index);
    }

    [Theory]
    [InlineData("{\"items\":[{\"id\":1", PageProblemKind.MalformedJson)]
    [InlineData("<html>blocked</html>", PageProblemKind.MalformedJson)]
    [InlineData("{\"code\":104}", PageProblemKind.MissingItems)]
    [InlineData("{\"items\":[]}", PageProblemKind.MissingPagination)]
    public void Inspect_BadBodies_AreFlaggedNotThrown(string body, PageProblemKind expected)
    {
        var inspection = VintedPageParser.Inspect(Encoding.UTF8.GetBytes(body));
        Assert.Equal(expected, inspection.ProblemKind);
        Assert.NotNull(inspection.Problem);
    }

    [Theory]
    [InlineData("""{"items":[{"id":1,"content_source":"promoted"},{"id":2,"content_source":"search"},3,[4],{"content_source":{"x":"promoted"}}],"pagination":{"current_page":2,"total_pages":"7","total_entries":650,"per_page":96,"time":1765000000}}""")]
    [InlineData("""{"items":[{"id":1,"content_source":"promoted","content_source":"search"}],"pagination":{"per_page":{"n":1},"current_page":"x"}}""")]
    [InlineData("""{"items":[{"id":1}],"items":{"id":2},"pagination":{}}""")]
    [InlineData("""{"items":5,"items":[{"id":1},{"id":2}],"pagination":{"total_pages":3},"pagination":[1]}""")]
    [InlineData("""{"pagination":{"current_page":1},"items":[{"photo":{"thumbnails":[{"url":"u","n":[1,2,{"a":null}]}]},"content_source":"PROMOTED_x"}],"code":0}""")]
    [InlineData("""{"items":[{"id":1,"content_source":"bad \ud800"}],"pagination":{"total_entries":"12,5","time":"\u0031","per_page":"\ud800"}}""")]
    [InlineData("""{"items":[]} {"items":[]}""")]
    [InlineData("""[{"items":[]}]""")]
    [InlineData("""{"items":[{"id":1}]""")]
    [InlineData("")]
    public void Inspect_AnyBody_ReadsWhatTheParsersDocumentReads(string json)
    {
        // The inspection reads forward (ingestion inspects every page) and the parser through a document: one rule, two readers.
        var body = Encoding.UTF8.GetBytes(json);
        var inspection = VintedPageParser.Inspect(body);
        var parsed = VintedPageParser.Parse(body);

        Assert.Equal(parsed.ProblemKind, inspection.ProblemKind);
        Assert.Equal(parsed.Problem, inspection.Problem);
        Assert.Equal(parsed.Pagination, inspection.Pagination);
        Assert.Equal(parsed.ElementRanges?.Count ?? 0, inspection.ItemCount);
        if (parsed.ItemProblems.Count == 0)
        {
            // An item the parser rejects is no item of its, but still a card the page showed: the inspection counts it.
            Assert.Equal(parsed.Items.Count(i => i.IsPromoted), inspection.PromotedCount);
        }
    }

    [Theory]
    [InlineData("vinted_fixture_catalog_search.json", 0, 1)]
    [InlineData("vinted_fixture_item_details_2025.json", 1, 0)]
    [InlineData("vinted_fixture_item_legacy_2023.json", 0, 1)]
    public void Parse_SampleFiles_DoNotThrow(string file, int items, int problems)
    {
        var page = VintedPageParser.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", file)));
        Assert.Equal(items, page.Items.Count);
        Assert.Equal(problems, page.ItemProblems.Count);
    }

    [Fact]
    public void Parse_DetailsSample_ReadsStringPriceAndPhotos()
    {
        var item = Assert.Single(VintedPageParser.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", "vinted_fixture_item_details_2025.json"))).Items);
        Assert.Equal(6854891835, item.Id);
        Assert.Equal((3.0m, "USD"), (item.Price, item.Currency));
        Assert.Equal("Brand title", item.BrandTitle);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1754962318), item.ListedAt);
    }
}
