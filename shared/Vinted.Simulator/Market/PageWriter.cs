using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

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
            json.WriteStartArray("items"u8);
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
                json.WriteNull("dominant_brand"u8);
                json.WriteStartObject("search_tracking_params"u8);
                json.WriteString("search_correlation_id"u8, $"sim-{Hash.Mix(shape.Seed ^ (ulong)result.Instant ^ (ulong)result.TotalEntries):x16}");
                json.WriteEndObject();
            }

            if (shape.Pagination)
            {
                Pagination(json, page, perPage, result.TotalEntries, result.Instant);
            }

            json.WriteNumber("code"u8, 0);
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
            json.WriteString("id"u8, $"x{listing.Id}");
        }
        else
        {
            json.WriteNumber("id"u8, listing.Id);
        }

        switch (bad)
        {
            // Raw escapes: a writer refuses to produce invalid UTF-16 or a NUL from a string, the wire can carry both.
            case BadItem.LoneSurrogateInTitle:
                json.WritePropertyName("title"u8);
                json.WriteRawValue("\"" + truth.Title + " \\ud800\"", skipInputValidation: true);
                break;
            case BadItem.NulInTitle:
                json.WritePropertyName("title"u8);
                json.WriteRawValue("\"" + truth.Title + " \\u0000\"", skipInputValidation: true);
                break;
            default:
                json.WriteString("title"u8, truth.Title);
                break;
        }

        if (bad == BadItem.DecimalCommaPrice)
        {
            json.WriteString("price"u8, (price / 100m).ToString("0.00", CultureInfo.InvariantCulture).Replace('.', ','));
            json.WriteString("currency"u8, domain.Currency);
        }
        else
        {
            Money(json, "price"u8, price, domain.Currency, oldForm);
        }

        if (oldForm && bad != BadItem.DecimalCommaPrice)
        {
            json.WriteString("currency"u8, domain.Currency);
        }

        Money(json, "total_item_price"u8, price + fee, domain.Currency, oldForm);
        Money(json, "service_fee"u8, fee, domain.Currency, oldForm);
        json.WriteNull("discount"u8);
        var cardOnly = shape.Catalog && Hash.Unit(Hash.Of(shape.Seed, listing.Id, 91)) < shape.CardOnlyFraction;
        if (!cardOnly)
        {
            if (truth.BrandTitle is { } brand)
            {
                json.WriteString("brand_title"u8, brand);
            }
            else
            {
                json.WriteNull("brand_title"u8);
            }

            json.WriteString("size_title"u8, truth.SizeTitle ?? "");
            json.WriteString("status"u8, truth.Status);
        }
        else if ((listing.Id & 1) == 0)
        {
            // Card-only items come in both forms the issue names: the flat fields empty, or absent altogether.
            json.WriteString("brand_title"u8, "");
            json.WriteString("size_title"u8, "");
            json.WriteString("status"u8, "");
        }

        json.WriteBoolean("is_visible"u8, true);
        json.WriteBoolean("promoted"u8, false);
        json.WriteNumber("favourite_count"u8, truth.FavouriteCount);
        json.WriteNumber("view_count"u8, 0);
        var path = $"/items/{listing.Id}-{generator.Slug(listing)}";
        json.WriteString("path"u8, path);
        json.WriteString("url"u8, truth.Url);
        json.WriteStartObject("user"u8);
        json.WriteNumber("id"u8, truth.SellerId);
        json.WriteString("login"u8, truth.SellerLogin);
        json.WriteString("profile_url"u8, $"{domain.SiteUrl}/member/{truth.SellerId}");
        Avatar(json, truth.SellerId);
        json.WriteBoolean("business"u8, generator.SellerIsBusiness(listing.Seller));
        json.WriteEndObject();
        if (truth.PhotoId is { } photoId)
        {
            json.WritePropertyName("photo"u8);
            Photo(json, photoId, truth.PhotoUrl!, listing);
        }
        else
        {
            json.WriteNull("photo"u8);
        }

        if (shape.Catalog)
        {
            // The card as svc-catalogue draws it (see Vinted.Api's ItemCard for where the shape was seen); an advert's
            // content_source names "promoted" (issue 22; the real value was not found in a public sample).
            json.WriteString("content_source"u8, promoted ? "promoted" : "search");
            WriteCard(json, truth, price, domain.Currency);
        }
        else
        {
            json.WriteNumber("catalog_id"u8, truth.CatalogId);
            WriteOptional(json, "brand_id"u8, truth.BrandId);
            WriteOptional(json, "size_id"u8, truth.SizeId);
            json.WriteNumber("status_id"u8, truth.StatusId);
            json.WriteString("created_at_ts"u8, DateTimeOffset.FromUnixTimeSeconds(listing.ListedAt).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture));
            json.WriteBoolean("is_reserved"u8, false);
            json.WriteBoolean("is_closed"u8, false);
            json.WriteStartArray("photos"u8);
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
        json.WriteStartObject("item_box"u8);
        if (truth.BrandTitle is { } brand)
        {
            json.WriteString("first_line"u8, brand);
        }

        string?[] parts = [truth.SizeTitle, truth.Status];
        var second = string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)));
        if (second.Length > 0)
        {
            json.WriteString("second_line"u8, second);
        }

        json.WriteStartArray("exposures"u8);
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
        json.WriteString("accessibility_label"u8, label.ToString());
        json.WriteNumber("item_id"u8, truth.Id);
        json.WriteEndObject();
    }

    // A photo as Vinted serves it, with its six thumbnails and their signed URLs: a real page of 96 items is about
    // 400 KB, 4.1-4.2 KB an item, 44 % of it the photo and 35 % the seller's avatar (vinted.pl's /api/v2/catalog/items
    // of 2025-10-13 saved in vshmatok/vinted-observer, src/vinted_network_client/resources/vinted_response_sample.json;
    // the svc-catalogue fixture of 2026-09 in marcocot/vinted-search-mcp, tests/fixtures/search-it.json, 4.2 KB an item).
    // Pages without them were a quarter of the real size, and the benchmarks measured a quarter of the bytes (issue 21).
    private static readonly Thumbnail[] PhotoThumbnails =
    [
        new("thumb70x100"u8.ToArray(), "70x100"u8.ToArray(), 70, 100, false),
        new("thumb150x210"u8.ToArray(), "150x210"u8.ToArray(), 150, 210, false),
        new("thumb310x430"u8.ToArray(), "310x430"u8.ToArray(), 310, 430, false),
        new("thumb428x624"u8.ToArray(), "f800"u8.ToArray(), 338, 428, true),
        new("thumb624x428"u8.ToArray(), "f800"u8.ToArray(), 493, 624, true),
        new("thumb364x428"u8.ToArray(), "f800"u8.ToArray(), 288, 364, true),
    ];

    private static readonly Thumbnail[] AvatarThumbnails =
    [
        new("thumb310"u8.ToArray(), "310x310"u8.ToArray(), 310, 310, false),
        new("thumb150"u8.ToArray(), "150x150"u8.ToArray(), 150, 150, false),
        new("thumb100"u8.ToArray(), "100x100"u8.ToArray(), 100, 100, false),
        new("thumb50"u8.ToArray(), "50x50"u8.ToArray(), 50, 50, false),
        new("thumb20"u8.ToArray(), "20x20"u8.ToArray(), 20, 20, false),
    ];

    /// <summary>One of an image's thumbnails: its type, its URL's size segment, its size in pixels.</summary>
    private sealed record Thumbnail(byte[] Type, byte[] Size, int Width, int Height, bool Original);

    private static void Photo(Utf8JsonWriter json, long id, string url, in Listing listing)
    {
        var image = ImageId(id, stackalloc byte[ImageIdLength]);
        Span<byte> text = stackalloc byte[TextLength];
        json.WriteStartObject();
        json.WriteNumber("id"u8, id);
        json.WriteNumber("image_no"u8, 1);
        json.WriteNumber("width"u8, 600);
        json.WriteNumber("height"u8, 800);
        json.WriteString("dominant_color"u8, Format(text, $"#{Hash.Mix((ulong)id) & 0xFFFFFF:X6}"));
        json.WriteString("dominant_color_opaque"u8, Format(text, $"#{Hash.Mix((ulong)id ^ 1) & 0xFFFFFF:X6}"));
        json.WriteString("url"u8, url);
        json.WriteBoolean("is_main"u8, true);
        Thumbnails(json, PhotoThumbnails, image, listing.ListedAt, id);
        json.WriteStartObject("high_resolution"u8);
        json.WriteString("id"u8, Format(text, $"hr{id}"));
        json.WriteNumber("timestamp"u8, listing.ListedAt);
        json.WriteNull("orientation"u8);
        json.WriteEndObject();
        json.WriteBoolean("is_suspicious"u8, false);
        json.WriteString("full_size_url"u8, ImageUrl(text, "tc/"u8, image, [], listing.ListedAt, id, 7));
        json.WriteBoolean("is_hidden"u8, false);
        json.WriteStartObject("extra"u8);
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
            json.WriteNull("photo"u8);
            return;
        }

        var id = (long)(hash % 1_000_000_000UL) + 100_000_000L;
        var timestamp = 1_600_000_000L + (long)(hash >> 40) % 160_000_000L;
        var image = ImageId(id, stackalloc byte[ImageIdLength]);
        Span<byte> text = stackalloc byte[TextLength];
        json.WriteStartObject("photo"u8);
        json.WriteNumber("id"u8, id);
        json.WriteNumber("width"u8, 600);
        json.WriteNumber("height"u8, 800);
        json.WriteNull("temp_uuid"u8);
        json.WriteString("url"u8, ImageUrl(text, "t/"u8, image, "f800"u8, timestamp, id, 0));
        json.WriteString("dominant_color"u8, Format(text, $"#{hash & 0xFFFFFF:x6}"));
        json.WriteString("dominant_color_opaque"u8, Format(text, $"#{(hash >> 24) & 0xFFFFFF:X6}"));
        Thumbnails(json, AvatarThumbnails, image, timestamp, id);
        json.WriteBoolean("is_suspicious"u8, false);
        json.WriteNull("orientation"u8);
        json.WriteStartObject("high_resolution"u8);
        json.WriteString("id"u8, image);
        json.WriteNumber("timestamp"u8, timestamp);
        json.WriteNull("orientation"u8);
        json.WriteEndObject();
        json.WriteString("full_size_url"u8, ImageUrl(text, "tc/"u8, image, [], timestamp, id, 7));
        json.WriteBoolean("is_hidden"u8, false);
        json.WriteStartObject("extra"u8);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Thumbnails(Utf8JsonWriter json, Thumbnail[] thumbnails, ReadOnlySpan<byte> image, long timestamp, long id)
    {
        Span<byte> text = stackalloc byte[TextLength];
        json.WriteStartArray("thumbnails"u8);
        for (var n = 0; n < thumbnails.Length; n++)
        {
            var (type, size, width, height, original) = thumbnails[n];
            json.WriteStartObject();
            json.WriteString("type"u8, type);
            json.WriteString("url"u8, ImageUrl(text, "t/"u8, image, size, timestamp, id, n + 1));
            json.WriteNumber("width"u8, width);
            json.WriteNumber("height"u8, height);
            if (original)
            {
                json.WriteBoolean("original_size"u8, true);
            }
            else
            {
                json.WriteNull("original_size"u8);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Room for <see cref="ImageId"/>'s form (31 bytes).</summary>
    private const int ImageIdLength = 32;

    /// <summary>Room for any one value the writer formats itself (an image URL is 120-130 bytes).</summary>
    private const int TextLength = 256;

    /// <summary>An image's id in Vinted's form (<c>02_025aa_NWJ7hfHopQtcvzAZNH84QoB1</c>), into <paramref name="destination"/>.</summary>
    private static ReadOnlySpan<byte> ImageId(long id, Span<byte> destination)
    {
        var hash = Hash.Mix((ulong)id ^ 0x1D);
        return Format(destination, $"02_{hash & 0xFFFFF:x5}_{Hash.Mix(hash):x16}{hash >> 8 & 0xFFFFFF:x6}");
    }

    /// <summary>A signed image URL: <c>https://images1.vinted.net/t/{image}/{size}/{timestamp}.webp?s={40 hex}</c>, the size left out when empty.</summary>
    private static ReadOnlySpan<byte> ImageUrl(
        Span<byte> destination, ReadOnlySpan<byte> path, ReadOnlySpan<byte> image, ReadOnlySpan<byte> size, long timestamp, long id, int n)
    {
        var signature = Hash.Mix((ulong)id * 31 + (ulong)n);
        return Format(
            destination,
            $"https://images1.vinted.net/{path}{image}/{size}{(size.IsEmpty ? ""u8 : "/"u8)}{timestamp}.webp?s={signature:x16}{Hash.Mix(signature):x16}{signature >> 32:x8}");
    }

    /// <summary>
    /// Formats straight into UTF-8 (invariant: hex digits and integers only): an item's 20-odd image URLs, ids and colours
    /// were each a string, then transcoded back to UTF-8 by the JSON writer (issue 21: the simulator shares the benchmark's
    /// two cores with the pipeline it feeds).
    /// </summary>
    private static ReadOnlySpan<byte> Format(Span<byte> destination, [InterpolatedStringHandlerArgument(nameof(destination))] scoped ref Utf8.TryWriteInterpolatedStringHandler value) =>
        Utf8.TryWrite(destination, ref value, out var written)
            ? destination[..written]
            : throw new InvalidOperationException($"A formatted value is longer than {destination.Length} bytes.");

    /// <summary>The search envelope's <c>pagination</c> object; <paramref name="time"/> is omitted when null.</summary>
    internal static void Pagination(Utf8JsonWriter json, int page, int perPage, long totalEntries, long? time)
    {
        json.WriteStartObject("pagination"u8);
        json.WriteNumber("current_page"u8, page);
        json.WriteNumber("total_pages"u8, (totalEntries + perPage - 1) / perPage);
        json.WriteNumber("total_entries"u8, totalEntries);
        json.WriteNumber("per_page"u8, perPage);
        if (time is { } t)
        {
            json.WriteNumber("time"u8, t);
        }

        json.WriteEndObject();
    }

    /// <summary>A price in either of the forms Vinted serves: an object with amount and currency, or the older bare string.</summary>
    internal static void Money(Utf8JsonWriter json, ReadOnlySpan<byte> name, long cents, string currency, bool oldForm)
    {
        var amount = (cents / 100m).ToString("0.0#", CultureInfo.InvariantCulture);
        if (oldForm)
        {
            json.WriteString(name, amount);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("amount"u8, amount);
        json.WriteString("currency_code"u8, currency);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, ReadOnlySpan<byte> name, long? value)
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
