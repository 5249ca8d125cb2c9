using System.Globalization;
using System.Text;

namespace Vinted.Api.Models;

/// <summary>
/// Serializes a <see cref="VintedSearch"/> to the exact query string of an endpoint. Parameter order is fixed
/// so the same search always gives the same URL (and so the same raw-page identity):
/// <c>page, per_page, time, search_text, catalog, color, brand, size, material, status, country, city,
/// is_for_swap, currency, price_from, price_to, order</c>. The legacy endpoint names the id lists
/// <c>catalog_ids, color_ids, brand_ids, size_ids, material_ids, status_ids, country_ids, city_ids</c>; the current
/// one names every id list <c>attribute_ids[catalog|color|brand|size|material|status|country|city]</c> (catalog,
/// status and brand are reported by public clients; the others follow the same pattern by our choice) and keeps
/// the scalar names unchanged. Lists are comma-joined, search words '+'-joined, brackets and commas unescaped as the
/// site sends them. Seller endpoints take <c>page, per_page, time, order</c>.
/// </summary>
public static class VintedQuery
{
    private static readonly (string Legacy, string Current, Func<VintedSearch, IReadOnlyList<long>> Ids)[] Lists =
    [
        ("catalog_ids", "attribute_ids[catalog]", s => s.CatalogIds),
        ("color_ids", "attribute_ids[color]", s => s.ColorIds),
        ("brand_ids", "attribute_ids[brand]", s => s.BrandIds),
        ("size_ids", "attribute_ids[size]", s => s.SizeIds),
        ("material_ids", "attribute_ids[material]", s => s.MaterialIds),
        ("status_ids", "attribute_ids[status]", s => s.StatusIds),
        ("country_ids", "attribute_ids[country]", s => s.CountryIds),
        ("city_ids", "attribute_ids[city]", s => s.CityIds),
    ];

    /// <summary>The list filters as (legacy name, current name), in query order.</summary>
    public static IReadOnlyList<(string Legacy, string Current)> ListParameters { get; } = [.. Lists.Select(l => (l.Legacy, l.Current))];

    /// <summary>The query string (without '?') of <paramref name="search"/> for <paramref name="endpoint"/> and 1-based <paramref name="page"/>.</summary>
    public static string ToQueryString(VintedSearch search, VintedEndpoint endpoint, int page)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        search.EnsureValid();
        var isSeller = endpoint is VintedEndpoint.SellerUsers or VintedEndpoint.SellerWardrobe;
        if (isSeller != (search.Kind == VintedSearchKind.Seller))
        {
            throw new ArgumentException($"A {search.Kind} search cannot be sent to {endpoint}.", nameof(endpoint));
        }

        var query = new StringBuilder();
        Append(query, "page", page.ToString(CultureInfo.InvariantCulture));
        AppendFilters(query, search, endpoint);
        return query.ToString();
    }

    /// <summary>The endpoint-independent form behind equality and <see cref="VintedSearch.Key"/>: legacy names, no page.</summary>
    internal static string Canonical(VintedSearch search)
    {
        var query = new StringBuilder();
        query.Append(search.Kind == VintedSearchKind.Seller ? "seller:" : "catalog:");
        if (search.SellerId is { } seller)
        {
            query.Append(seller.ToString(CultureInfo.InvariantCulture));
        }

        query.Append('?');
        AppendFilters(query, search, search.Kind == VintedSearchKind.Seller ? VintedEndpoint.SellerUsers : VintedEndpoint.CatalogLegacy);
        return query.ToString();
    }

    private static void AppendFilters(StringBuilder query, VintedSearch search, VintedEndpoint endpoint)
    {
        Append(query, "per_page", search.PerPage.ToString(CultureInfo.InvariantCulture));
        if (search.Time is { } time)
        {
            Append(query, "time", time.ToString(CultureInfo.InvariantCulture));
        }

        if (endpoint is VintedEndpoint.CatalogCurrent or VintedEndpoint.CatalogLegacy)
        {
            if (search.SearchText is { } text)
            {
                Append(query, "search_text", string.Join('+', VintedSearch.Words(text).Select(Uri.EscapeDataString)));
            }

            foreach (var (legacy, current, ids) in Lists)
            {
                var values = ids(search);
                if (values.Count > 0)
                {
                    Append(query, endpoint == VintedEndpoint.CatalogCurrent ? current : legacy,
                        string.Join(',', values.Select(id => id.ToString(CultureInfo.InvariantCulture))));
                }
            }

            if (search.IsForSwap)
            {
                Append(query, "is_for_swap", "1");
            }

            if (search.Currency is { } currency)
            {
                Append(query, "currency", currency);
            }

            if (search.PriceFrom is { } from)
            {
                Append(query, "price_from", Amount(from));
            }

            if (search.PriceTo is { } to)
            {
                Append(query, "price_to", Amount(to));
            }
        }

        if (search.Order is { } order)
        {
            Append(query, "order", order);
        }
    }

    private static string Amount(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder query, string name, string value)
    {
        if (query.Length > 0 && query[^1] != '?')
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(value);
    }
}
