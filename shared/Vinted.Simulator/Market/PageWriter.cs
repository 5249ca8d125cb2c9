using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Vinted.Simulator.Market;

/// <summary>How a page is to be written.</summary>
internal sealed record PageShape(bool Catalog, bool Pagination, double StringPriceFraction, ulong Seed, double BadItemFraction = 0);

/// <summary>
/// Writes pages byte-for-byte deterministically in the API's shapes: the search envelope (with
/// <c>search_tracking_params</c>) or the seller envelope (items with ids, <c>photos</c> and <c>created_at_ts</c>).
/// </summary>
internal static class PageWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(ListingGenerator generator, SearchResult result, int page, int perPage, PageShape shape)
    {
        var buffer = new ArrayBufferWriter<byte>(16_384);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("items");
            var first = (long)(page - 1) * perPage;
            for (var n = first; n < Math.Min(first + perPage, result.Indices.Length); n++)
            {
                WriteItem(json, generator, generator.Get(result.Indices[n]), result.Instant, shape);
            }

            json.WriteEndArray();
            if (shape.Catalog)
            {
                json.WriteNull("dominant_brand");
                json.WriteStartObject("search_tracking_params");
                json.WriteString("search_correlation_id", $"sim-{Hash.Mix(shape.Seed ^ (ulong)result.Instant ^ (ulong)result.TotalEntries):x16}");
                json.WriteEndObject();
            }

            if (shape.Pagination)
            {
                json.WriteStartObject("pagination");
                json.WriteNumber("current_page", page);
                json.WriteNumber("total_pages", (result.TotalEntries + perPage - 1) / perPage);
                json.WriteNumber("total_entries", result.TotalEntries);
                json.WriteNumber("per_page", perPage);
                json.WriteNumber("time", result.Instant);
                json.WriteEndObject();
            }

            json.WriteNumber("code", 0);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteItem(Utf8JsonWriter json, ListingGenerator generator, in Listing listing, long instant, PageShape shape)
    {
        var truth = Marketplace.Describe(generator, listing, instant);
        var domain = generator.Domain;
        var price = listing.PriceCentsAt(instant, domain.RoundingCents);
        var fee = 70 + price * 5 / 100;
        var oldForm = Hash.Unit(Hash.Of(shape.Seed, listing.Id, 90)) < shape.StringPriceFraction;
        var bad = BadItems.Of(shape.Seed, listing.Id, shape.BadItemFraction);

        json.WriteStartObject();
        if (bad == BadItem.IdNotNumber)
        {
            json.WriteString("id", $"x{listing.Id}");
        }
        else
        {
            json.WriteNumber("id", listing.Id);
        }

        switch (bad)
        {
            // Raw escapes: a writer refuses to produce invalid UTF-16 or a NUL from a string, the wire can carry both.
            case BadItem.LoneSurrogateInTitle:
                json.WritePropertyName("title");
                json.WriteRawValue("\"" + truth.Title + " \\ud800\"", skipInputValidation: true);
                break;
            case BadItem.NulInTitle:
                json.WritePropertyName("title");
                json.WriteRawValue("\"" + truth.Title + " \\u0000\"", skipInputValidation: true);
                break;
            default:
                json.WriteString("title", truth.Title);
                break;
        }

        if (bad == BadItem.DecimalCommaPrice)
        {
            json.WriteString("price", (price / 100m).ToString("0.00", CultureInfo.InvariantCulture).Replace('.', ','));
            json.WriteString("currency", domain.Currency);
        }
        else
        {
            Money(json, "price", price, domain.Currency, oldForm);
        }

        if (oldForm && bad != BadItem.DecimalCommaPrice)
        {
            json.WriteString("currency", domain.Currency);
        }

        Money(json, "total_item_price", price + fee, domain.Currency, oldForm);
        Money(json, "service_fee", fee, domain.Currency, oldForm);
        json.WriteNull("discount");
        if (truth.BrandTitle is { } brand)
        {
            json.WriteString("brand_title", brand);
        }
        else
        {
            json.WriteNull("brand_title");
        }

        json.WriteString("size_title", truth.SizeTitle ?? "");
        json.WriteString("status", truth.Status);
        json.WriteBoolean("is_visible", true);
        json.WriteBoolean("promoted", false);
        json.WriteNumber("favourite_count", truth.FavouriteCount);
        json.WriteNumber("view_count", 0);
        var path = $"/items/{listing.Id}-{generator.Slug(listing)}";
        json.WriteString("path", path);
        json.WriteString("url", truth.Url);
        json.WriteStartObject("user");
        json.WriteNumber("id", truth.SellerId);
        json.WriteString("login", truth.SellerLogin);
        json.WriteString("profile_url", $"{domain.SiteUrl}/member/{truth.SellerId}");
        json.WriteNull("photo");
        json.WriteBoolean("business", generator.SellerIsBusiness(listing.Seller));
        json.WriteEndObject();
        if (truth.PhotoId is { } photoId)
        {
            json.WritePropertyName("photo");
            Photo(json, photoId, truth.PhotoUrl!, listing);
        }
        else
        {
            json.WriteNull("photo");
        }

        if (shape.Catalog)
        {
            json.WriteString("content_source", "search");
        }
        else
        {
            json.WriteNumber("catalog_id", truth.CatalogId);
            WriteOptional(json, "brand_id", truth.BrandId);
            WriteOptional(json, "size_id", truth.SizeId);
            json.WriteNumber("status_id", truth.StatusId);
            json.WriteString("created_at_ts", DateTimeOffset.FromUnixTimeSeconds(listing.ListedAt).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture));
            json.WriteBoolean("is_reserved", false);
            json.WriteBoolean("is_closed", false);
            json.WriteStartArray("photos");
            if (truth.PhotoId is { } mainPhoto)
            {
                for (var n = 0; n < listing.PhotoCount; n++)
                {
                    Photo(json, mainPhoto + n * 1_000_000_000L, truth.PhotoUrl!, listing);
                }
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void Photo(Utf8JsonWriter json, long id, string url, in Listing listing)
    {
        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteNumber("width", 600);
        json.WriteNumber("height", 800);
        json.WriteString("dominant_color", $"#{Hash.Mix((ulong)id) & 0xFFFFFF:X6}");
        json.WriteString("url", url);
        json.WriteBoolean("is_main", true);
        json.WriteStartObject("high_resolution");
        json.WriteString("id", $"hr{id}");
        json.WriteNumber("timestamp", listing.ListedAt);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Money(Utf8JsonWriter json, string name, long cents, string currency, bool oldForm)
    {
        var amount = (cents / 100m).ToString("0.0#", CultureInfo.InvariantCulture);
        if (oldForm)
        {
            json.WriteString(name, amount);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("amount", amount);
        json.WriteString("currency_code", currency);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
