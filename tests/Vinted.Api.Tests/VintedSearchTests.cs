using System.Text.Json;
using Vinted.Api.Models;

namespace Vinted.Api.Tests;

public sealed class VintedSearchTests
{
    private static readonly VintedSearch Full = new()
    {
        Domain = "pt",
        SearchText = "nike  air max",
        CatalogIds = [1206, 1231],
        ColorIds = [1],
        BrandIds = [53, 14],
        SizeIds = [4],
        MaterialIds = [44],
        StatusIds = [6, 2],
        CountryIds = [12],
        CityIds = [12001],
        IsForSwap = true,
        Currency = "EUR",
        PriceFrom = 5m,
        PriceTo = 49.5m,
        PerPage = 96,
        Order = "newest_first",
        Time = 1732450000,
    };

    [Fact]
    public void ToQueryString_LegacyEndpoint_UsesLegacyNamesInFixedOrder()
    {
        Assert.Equal(
            "page=3&per_page=96&time=1732450000&search_text=nike+air+max&catalog_ids=1206,1231&color_ids=1&brand_ids=53,14&size_ids=4"
            + "&material_ids=44&status_ids=6,2&country_ids=12&city_ids=12001&is_for_swap=1&currency=EUR&price_from=5&price_to=49.5&order=newest_first",
            VintedQuery.ToQueryString(Full, VintedEndpoint.CatalogLegacy, 3));
    }

    [Fact]
    public void ToQueryString_CurrentEndpoint_UsesAttributeIdsNames()
    {
        Assert.Equal(
            "page=1&per_page=96&time=1732450000&search_text=nike+air+max&attribute_ids[catalog]=1206,1231&attribute_ids[color]=1&attribute_ids[brand]=53,14"
            + "&attribute_ids[size]=4&attribute_ids[material]=44&attribute_ids[status]=6,2&attribute_ids[country]=12&attribute_ids[city]=12001"
            + "&is_for_swap=1&currency=EUR&price_from=5&price_to=49.5&order=newest_first",
            VintedQuery.ToQueryString(Full, VintedEndpoint.CatalogCurrent, 1));
    }

    [Theory]
    [InlineData(VintedEndpoint.CatalogLegacy, "page=1&per_page=96")]
    [InlineData(VintedEndpoint.CatalogCurrent, "page=1&per_page=96")]
    public void ToQueryString_NoFilters_SendsOnlyPaging(VintedEndpoint endpoint, string expected) =>
        Assert.Equal(expected, VintedQuery.ToQueryString(VintedSearch.Catalog("fr"), endpoint, 1));

    [Fact]
    public void ToQueryString_SellerSearch_SendsPagingAndOrder()
    {
        var search = VintedSearch.Seller("pt", 77283267) with { PerPage = 20, Order = "newest_first" };
        Assert.Equal("page=2&per_page=20&order=newest_first", VintedQuery.ToQueryString(search, VintedEndpoint.SellerWardrobe, 2));
        Assert.Equal("page=2&per_page=20&order=newest_first", VintedQuery.ToQueryString(search, VintedEndpoint.SellerUsers, 2));
    }

    [Fact]
    public void ToQueryString_SearchTextWithSpecialCharacters_EscapesEachWord() =>
        Assert.Equal("page=1&per_page=96&search_text=h%26m+cal%C3%A7as+50%25",
            VintedQuery.ToQueryString(VintedSearch.Catalog("pt") with { SearchText = " h&m calças\t50% " }, VintedEndpoint.CatalogLegacy, 1));

    [Fact]
    public void ToQueryString_CatalogSearchToSellerEndpoint_Throws() =>
        Assert.Throws<ArgumentException>(() => VintedQuery.ToQueryString(VintedSearch.Catalog("pt"), VintedEndpoint.SellerUsers, 1));

    [Fact]
    public void Order_Unknown_ThrowsNamingTheAllowedValues()
    {
        var error = Assert.Throws<ArgumentException>(() => VintedSearch.Catalog("pt") with { Order = "cheapest" });
        Assert.Contains("newest_first", error.Message, StringComparison.Ordinal);
        Assert.Contains("cheapest", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(97)]
    public void PerPage_OutOfRange_Throws(int perPage) =>
        Assert.Throws<ArgumentException>(() => VintedSearch.Catalog("pt") with { PerPage = perPage });

    [Fact]
    public void Validation_InvalidValues_Throw()
    {
        Assert.Throws<ArgumentException>(() => VintedSearch.Catalog("pt") with { PriceFrom = -1 });
        Assert.Throws<ArgumentException>(() => VintedSearch.Catalog("pt") with { BrandIds = [53, 0] });
        Assert.Throws<ArgumentException>(() => VintedSearch.Catalog("pt") with { Currency = "eur" });
        Assert.Throws<ArgumentException>(() => VintedSearch.Catalog("PT"));
        Assert.Throws<ArgumentException>(() => (VintedSearch.Catalog("pt") with { PriceFrom = 10, PriceTo = 5 }).EnsureValid());
        Assert.Throws<ArgumentException>(() => (VintedSearch.Seller("pt", 1) with { BrandIds = [53] }).EnsureValid());
    }

    [Fact]
    public void Key_SameFiltersInAnyConstruction_IsStableSlug()
    {
        var key = Full.Key;
        Assert.Matches("^catalog-[0-9a-f]{8}$", key);
        Assert.Equal(key, (Full with { }).Key);
        Assert.NotEqual(key, (Full with { PriceTo = 50 }).Key);
        Assert.Equal("seller-77283267", VintedSearch.Seller("pt", 77283267).Key);
        Assert.Matches("^seller-77283267-[0-9a-f]{8}$", (VintedSearch.Seller("pt", 77283267) with { Order = "newest_first" }).Key);
    }

    [Fact]
    public void Json_RoundTrip_KeepsEqualityAndKey()
    {
        var json = JsonSerializer.Serialize(Full);
        var back = JsonSerializer.Deserialize<VintedSearch>(json)!;
        Assert.Equal(Full, back);
        Assert.Equal(Full.Key, back.Key);
        Assert.Equal(VintedQuery.ToQueryString(Full, VintedEndpoint.CatalogCurrent, 1), VintedQuery.ToQueryString(back, VintedEndpoint.CatalogCurrent, 1));
    }

    [Fact]
    public void Json_InvalidOrder_FailsToDeserialize() =>
        Assert.ThrowsAny<Exception>(() => JsonSerializer.Deserialize<VintedSearch>("""{"Domain":"pt","Order":"cheapest"}"""));
}
