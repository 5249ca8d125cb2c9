using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Vinted.Simulator.Market;

/// <summary>What an item page shows on a date.</summary>
internal enum ItemPageState
{
    /// <summary>No such listing (never generated, or not listed yet), or it was withdrawn: 404.</summary>
    NotFound,

    /// <summary>For sale: offers InStock, <c>is_closed</c> false, no closing action.</summary>
    Listed,

    /// <summary>Sold: offers SoldOut, <c>is_closed</c> true, closing action <c>sold</c>.</summary>
    Sold,

    /// <summary>Left, and the page carries neither an availability nor the item's state.</summary>
    Unclear,
}

/// <summary>
/// Writes the public item page (<c>/items/{id}</c>) in the site's shape as public scrapers have seen it: an HTML document
/// whose head holds <c>og:</c> meta tags and a schema.org JSON-LD <c>Product</c> with <c>offers</c>
/// (Giglium/vinted_scraper, tests/samples/item_page_dummy.html and PR #197), and whose body embeds the item's JSON in
/// escaped flight data, with <c>is_closed</c>, <c>is_hidden</c>, <c>is_reserved</c> and <c>item_closing_action</c>
/// (aminalmasi/vinted-watcher, vintedwatch/client.py). A photo carries an <c>is_hidden</c> of its own, as on the site.
/// </summary>
internal static class ItemPageWriter
{
    public static readonly byte[] NotFound = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html><html><head><title>Page not found | Vinted</title></head><body><h1>Page not found</h1></body></html>");

    // Relaxed: quotes escape as \" (as in the site's flight data), not \u0022.
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static ItemPageState StateOf(in Listing listing, ListingExit exit, long instant) =>
        listing.ListedAt > instant ? ItemPageState.NotFound
        : listing.IsVisibleAt(instant) ? ItemPageState.Listed
        : exit.PageUnclear ? ItemPageState.Unclear
        : exit.Withdrawn ? ItemPageState.NotFound
        : ItemPageState.Sold;

    public static byte[] Write(GroundTruthListing truth, ItemPageState state)
    {
        var price = truth.Price.ToString("0.00", CultureInfo.InvariantCulture);
        var product = new Dictionary<string, object?>
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "Product",
            ["name"] = truth.Title,
            ["description"] = $"{truth.Title}, {truth.Status}",
            ["image"] = truth.PhotoUrl,
            ["brand"] = truth.BrandTitle is null ? null : new Dictionary<string, object?> { ["@type"] = "Brand", ["name"] = truth.BrandTitle },
            ["offers"] = state == ItemPageState.Unclear
                ? new Dictionary<string, object?> { ["@type"] = "Offer", ["price"] = price, ["priceCurrency"] = truth.Currency }
                : new Dictionary<string, object?>
                {
                    ["@type"] = "Offer",
                    ["price"] = price,
                    ["priceCurrency"] = truth.Currency,
                    ["availability"] = state == ItemPageState.Sold ? "https://schema.org/SoldOut" : "https://schema.org/InStock",
                    ["url"] = truth.Url,
                },
        };
        var jsonLd = JsonSerializer.Serialize(product, Json);
        var html = new StringBuilder(4_096);
        var title = WebUtility.HtmlEncode(truth.Title);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>")
            .Append("<title>").Append(title).Append(" | Vinted</title>")
            .Append("<meta property=\"og:description\" content=\"").Append(title).Append(" - ").Append(WebUtility.HtmlEncode(truth.Status)).Append("\"/>")
            .Append("<meta property=\"og:url\" content=\"").Append(truth.Url).Append("\"/>")
            .Append("<script type=\"application/ld+json\">").Append(jsonLd).Append("</script>")
            .Append("</head><body><main id=\"content\"></main>");
        if (state != ItemPageState.Unclear)
        {
            var sold = state == ItemPageState.Sold;
            var item = "{\"item\":{\"id\":" + truth.Id.ToString(CultureInfo.InvariantCulture)
                + ",\"title\":" + JsonSerializer.Serialize(truth.Title, Json)
                + ",\"photos\":[{\"id\":" + (truth.PhotoId ?? 0).ToString(CultureInfo.InvariantCulture) + ",\"is_hidden\":false}]"
                + ",\"is_closed\":" + (sold ? "true" : "false")
                + ",\"is_hidden\":false,\"is_reserved\":false"
                + ",\"item_closing_action\":" + (sold ? "\"sold\"" : "null") + "}}";
            // Flight data: the JSON travels inside a JavaScript string, its quotes escaped.
            html.Append("<script>self.__next_f.push([1,").Append(JsonSerializer.Serialize(item, Json)).Append("])</script>");
        }

        html.Append("</body></html>");
        return Encoding.UTF8.GetBytes(html.ToString());
    }
}
