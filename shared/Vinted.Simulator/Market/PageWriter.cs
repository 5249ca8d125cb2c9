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
        Avatar(json, truth.SellerId);
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

    // A photo as Vinted serves it, with its six thumbnails and their signed URLs: a real page of 96 items is about
    // 400 KB, 4.1-4.2 KB an item, 44 % of it the photo and 35 % the seller's avatar (vinted.pl's /api/v2/catalog/items
    // of 2025-10-13 saved in vshmatok/vinted-observer, src/vinted_network_client/resources/vinted_response_sample.json;
    // the svc-catalogue fixture of 2026-09 in marcocot/vinted-search-mcp, tests/fixtures/search-it.json, 4.2 KB an item).
    // Pages without them were a quarter of the real size, and the benchmarks measured a quarter of the bytes (issue 21).
    private static readonly (string Type, string Size, int Width, int Height, bool Original)[] PhotoThumbnails =
    [
        ("thumb70x100", "70x100", 70, 100, false),
        ("thumb150x210", "150x210", 150, 210, false),
        ("thumb310x430", "310x430", 310, 430, false),
        ("thumb428x624", "f800", 338, 428, true),
        ("thumb624x428", "f800", 493, 624, true),
        ("thumb364x428", "f800", 288, 364, true),
    ];

    private static readonly (string Type, string Size, int Width, int Height, bool Original)[] AvatarThumbnails =
    [
        ("thumb310", "310x310", 310, 310, false),
        ("thumb150", "150x150", 150, 150, false),
        ("thumb100", "100x100", 100, 100, false),
        ("thumb50", "50x50", 50, 50, false),
        ("thumb20", "20x20", 20, 20, false),
    ];

    private static void Photo(Utf8JsonWriter json, long id, string url, in Listing listing)
    {
        var image = ImageId(id);
        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteNumber("image_no", 1);
        json.WriteNumber("width", 600);
        json.WriteNumber("height", 800);
        json.WriteString("dominant_color", $"#{Hash.Mix((ulong)id) & 0xFFFFFF:X6}");
        json.WriteString("dominant_color_opaque", $"#{Hash.Mix((ulong)id ^ 1) & 0xFFFFFF:X6}");
        json.WriteString("url", url);
        json.WriteBoolean("is_main", true);
        Thumbnails(json, PhotoThumbnails, image, listing.ListedAt, id);
        json.WriteStartObject("high_resolution");
        json.WriteString("id", $"hr{id}");
        json.WriteNumber("timestamp", listing.ListedAt);
        json.WriteNull("orientation");
        json.WriteEndObject();
        json.WriteBoolean("is_suspicious", false);
        json.WriteString("full_size_url", ImageUrl("tc/", image, null, listing.ListedAt, id, 7));
        json.WriteBoolean("is_hidden", false);
        json.WriteStartObject("extra");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// A seller's avatar, as the v2 API serves it in each item's <c>user</c>; about one seller in six has none (17 of the
    /// 96 in the page cited above), whose <c>photo</c> is null.
    /// </summary>
    private static void Avatar(Utf8JsonWriter json, long sellerId)
    {
        var hash = Hash.Mix((ulong)sellerId ^ 0xA7A7);
        if (hash % 6 == 0)
        {
            json.WriteNull("photo");
            return;
        }

        var id = (long)(hash % 1_000_000_000UL) + 100_000_000L;
        var timestamp = 1_600_000_000L + (long)(hash >> 40) % 160_000_000L;
        var image = ImageId(id);
        json.WriteStartObject("photo");
        json.WriteNumber("id", id);
        json.WriteNumber("width", 600);
        json.WriteNumber("height", 800);
        json.WriteNull("temp_uuid");
        json.WriteString("url", ImageUrl("t/", image, "f800", timestamp, id, 0));
        json.WriteString("dominant_color", $"#{hash & 0xFFFFFF:x6}");
        json.WriteString("dominant_color_opaque", $"#{(hash >> 24) & 0xFFFFFF:X6}");
        Thumbnails(json, AvatarThumbnails, image, timestamp, id);
        json.WriteBoolean("is_suspicious", false);
        json.WriteNull("orientation");
        json.WriteStartObject("high_resolution");
        json.WriteString("id", image);
        json.WriteNumber("timestamp", timestamp);
        json.WriteNull("orientation");
        json.WriteEndObject();
        json.WriteString("full_size_url", ImageUrl("tc/", image, null, timestamp, id, 7));
        json.WriteBoolean("is_hidden", false);
        json.WriteStartObject("extra");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Thumbnails(
        Utf8JsonWriter json, (string Type, string Size, int Width, int Height, bool Original)[] thumbnails, string image, long timestamp, long id)
    {
        json.WriteStartArray("thumbnails");
        for (var n = 0; n < thumbnails.Length; n++)
        {
            var (type, size, width, height, original) = thumbnails[n];
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteString("url", ImageUrl("t/", image, size, timestamp, id, n + 1));
            json.WriteNumber("width", width);
            json.WriteNumber("height", height);
            if (original)
            {
                json.WriteBoolean("original_size", true);
            }
            else
            {
                json.WriteNull("original_size");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>An image's id in Vinted's form (<c>02_025aa_NWJ7hfHopQtcvzAZNH84QoB1</c>): 32 characters.</summary>
    private static string ImageId(long id)
    {
        var hash = Hash.Mix((ulong)id ^ 0x1D);
        return $"02_{hash & 0xFFFFF:x5}_{Hash.Mix(hash):x16}{hash >> 8 & 0xFFFFFF:x6}";
    }

    /// <summary>A signed image URL: <c>https://images1.vinted.net/t/{image}/{size}/{timestamp}.webp?s={40 hex}</c>, the size left out when null.</summary>
    private static string ImageUrl(string path, string image, string? size, long timestamp, long id, int n)
    {
        var signature = Hash.Mix((ulong)id * 31 + (ulong)n);
        var sized = size is null ? "" : size + "/";
        return $"https://images1.vinted.net/{path}{image}/{sized}{timestamp}.webp?s={signature:x16}{Hash.Mix(signature):x16}{signature >> 32:x8}";
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
