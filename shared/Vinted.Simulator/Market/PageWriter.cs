using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Vinted.Simulator.Market;

/// <summary>How a page is to be written.</summary>
internal sealed record PageShape(bool Catalog, bool Pagination, double StringPriceFraction, ulong Seed, double BadItemFraction = 0)
{
    /// <summary>No items, pagination intact: a soft block's 200.</summary>
    public bool Empty { get; init; }

    /// <summary>Fraction of catalog items without the flat brand/size/status: only their card carries them.</summary>
    public double CardOnlyFraction { get; init; }

    /// <summary>Promoted cards (adverts) placed before the page's results.</summary>
    public int PromotedPerPage { get; init; }
}

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
            if (!shape.Empty)
            {
                if (first < result.Indices.Length)
                {
                    for (var n = 0; n < shape.PromotedPerPage; n++)
                    {
                        if (Advert(generator, result.Instant, shape.Seed, page, n) is { } advert)
                        {
                            WriteItem(json, generator, advert, result.Instant, shape, promoted: true);
                        }
                    }
                }

                for (var n = first; n < Math.Min(first + perPage, result.Indices.Length); n++)
                {
                    WriteItem(json, generator, generator.Get(result.Indices[n]), result.Instant, shape);
                }
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
                Pagination(json, page, perPage, result.TotalEntries, result.Instant);
            }

            json.WriteNumber("code", 0);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The <paramref name="n"/>-th advert of a page: any listing of the market on sale at <paramref name="instant"/>, chosen
    /// by hash, so it matches the search only by chance (as Vinted's promoted cards do); null when none was found quickly.
    /// </summary>
    private static Listing? Advert(ListingGenerator generator, long instant, ulong seed, int page, int n)
    {
        var last = generator.LastListedAtOrBefore(instant);
        for (var attempt = 0; last >= 0 && attempt < 64; attempt++)
        {
            var listing = generator.Get((long)(Hash.Of(seed ^ (ulong)instant, page * 100 + n, 300 + attempt) % (ulong)(last + 1)));
            if (listing.IsVisibleAt(instant))
            {
                return listing;
            }
        }

        return null;
    }

    private static void WriteItem(Utf8JsonWriter json, ListingGenerator generator, in Listing listing, long instant, PageShape shape, bool promoted = false)
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
        var cardOnly = shape.Catalog && Hash.Unit(Hash.Of(shape.Seed, listing.Id, 91)) < shape.CardOnlyFraction;
        if (!cardOnly)
        {
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
        }
        else if ((listing.Id & 1) == 0)
        {
            // Card-only items come in both forms the issue names: the flat fields empty, or absent altogether.
            json.WriteString("brand_title", "");
            json.WriteString("size_title", "");
            json.WriteString("status", "");
        }

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
            // The card as svc-catalogue draws it (see Vinted.Api's ItemCard for where the shape was seen); an advert's
            // content_source names "promoted" (issue 22; the real value was not found in a public sample).
            json.WriteString("content_source", promoted ? "promoted" : "search");
            WriteCard(json, truth, price, domain.Currency);
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

    private static void WriteCard(Utf8JsonWriter json, GroundTruthListing truth, long priceCents, string currency)
    {
        json.WriteStartObject("item_box");
        if (truth.BrandTitle is { } brand)
        {
            json.WriteString("first_line", brand);
        }

        string?[] parts = [truth.SizeTitle, truth.Status];
        var second = string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)));
        if (second.Length > 0)
        {
            json.WriteString("second_line", second);
        }

        json.WriteStartArray("exposures");
        json.WriteEndArray();
        var label = new System.Text.StringBuilder(truth.Title);
        if (truth.BrandTitle is { } b)
        {
            label.Append(", brand: ").Append(b);
        }

        if (!string.IsNullOrEmpty(truth.SizeTitle))
        {
            label.Append(", size: ").Append(truth.SizeTitle);
        }

        label.Append(", condition: ").Append(truth.Status);
        label.Append(", ").Append((priceCents / 100m).ToString("0.00", CultureInfo.InvariantCulture)).Append(' ').Append(currency);
        json.WriteString("accessibility_label", label.ToString());
        json.WriteNumber("item_id", truth.Id);
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

    /// <summary>The search envelope's <c>pagination</c> object; <paramref name="time"/> is omitted when null.</summary>
    internal static void Pagination(Utf8JsonWriter json, int page, int perPage, long totalEntries, long? time)
    {
        json.WriteStartObject("pagination");
        json.WriteNumber("current_page", page);
        json.WriteNumber("total_pages", (totalEntries + perPage - 1) / perPage);
        json.WriteNumber("total_entries", totalEntries);
        json.WriteNumber("per_page", perPage);
        if (time is { } t)
        {
            json.WriteNumber("time", t);
        }

        json.WriteEndObject();
    }

    /// <summary>A price in either of the forms Vinted serves: an object with amount and currency, or the older bare string.</summary>
    internal static void Money(Utf8JsonWriter json, string name, long cents, string currency, bool oldForm)
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
