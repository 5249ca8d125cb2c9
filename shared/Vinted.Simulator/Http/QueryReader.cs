using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vinted.Api.Models;
using Vinted.Simulator.Market;

namespace Vinted.Simulator.Http;

/// <summary>
/// Reads search parameters from a query string by one era's names. Like the real API it ignores names it does not
/// know (svc-catalogue ignores <c>catalog_ids</c>), and ignores values it cannot read.
/// </summary>
internal static class QueryReader
{
    public static SimQuery Catalog(IQueryCollection query, bool currentNames)
    {
        long[] Ids(int n) => ReadIds(query, currentNames ? VintedQuery.ListParameters[n].Current : VintedQuery.ListParameters[n].Legacy);
        return new SimQuery
        {
            SearchText = query["search_text"].ToString() is { Length: > 0 } text ? text : null,
            CatalogIds = Ids(0),
            ColorIds = Ids(1),
            BrandIds = Ids(2),
            SizeIds = Ids(3),
            MaterialIds = Ids(4),
            StatusIds = Ids(5),
            CountryIds = Ids(6),
            CityIds = Ids(7),
            IsForSwap = query["is_for_swap"] == "1" || query["is_for_swap"] == "true",
            PriceFrom = Decimal(query, "price_from"),
            PriceTo = Decimal(query, "price_to"),
            Order = SimQuery.ParseOrder(query["order"]),
            Time = Long(query, "time"),
        };
    }

    public static SimQuery Seller(IQueryCollection query, long sellerId) => new()
    {
        SellerId = sellerId,
        Order = SimQuery.ParseOrder(query["order"]),
        Time = Long(query, "time"),
    };

    /// <summary>The ground-truth endpoint's search: legacy names, plus <c>domain</c>, <c>kind</c> and <c>seller_id</c>.</summary>
    public static VintedSearch Search(IQueryCollection query, string domain)
    {
        long[] Ids(int n) => ReadIds(query, VintedQuery.ListParameters[n].Legacy);
        if (query["kind"] == "seller")
        {
            return VintedSearch.Seller(domain, Long(query, "seller_id") ?? 0) with
            {
                Order = query["order"].ToString() is { Length: > 0 } o ? o : null,
                Time = Long(query, "time"),
            };
        }

        return new VintedSearch
        {
            Domain = domain,
            SearchText = query["search_text"].ToString() is { Length: > 0 } text ? text : null,
            CatalogIds = Ids(0),
            ColorIds = Ids(1),
            BrandIds = Ids(2),
            SizeIds = Ids(3),
            MaterialIds = Ids(4),
            StatusIds = Ids(5),
            CountryIds = Ids(6),
            CityIds = Ids(7),
            IsForSwap = query["is_for_swap"] == "1",
            PriceFrom = Decimal(query, "price_from"),
            PriceTo = Decimal(query, "price_to"),
            Order = query["order"].ToString() is { Length: > 0 } order ? order : null,
            Time = Long(query, "time"),
        };
    }

    public static int Int(IQueryCollection query, string name, int fallback) =>
        int.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    public static long? Long(IQueryCollection query, string name) =>
        long.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static decimal? Decimal(IQueryCollection query, string name) =>
        decimal.TryParse(query[name], NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : null;

    private static long[] ReadIds(IQueryCollection query, string name) =>
        [.. string.Join(',', query[name].ToArray()).Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0)];
}
