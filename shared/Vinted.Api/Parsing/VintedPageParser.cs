using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Vinted.Api.Models;

namespace Vinted.Api.Parsing;

/// <summary>
/// Reads pages of any era tolerantly: prices as <c>{amount, currency_code}</c> or as strings with a separate
/// <c>currency</c>, <c>is_visible</c> as bool or 0/1, ids as numbers or numeric strings, absent or null objects,
/// unknown fields ignored. Amounts are read strictly: digits with an optional decimal point, nothing else
/// (<c>"12,50"</c> is not 1250). A bad item (no 64-bit id, an unreadable price, text that is not valid Unicode) is
/// reported in <see cref="ParsedPage.ItemProblems"/>, never thrown; a bad page is reported in <see cref="ParsedPage.ProblemKind"/>. Also reads the single-item envelope <c>{"item": {...}}</c>.
/// </summary>
public static class VintedPageParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 128 };

    /// <summary>Parses every item of <paramref name="body"/>.</summary>
    public static ParsedPage Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException exception)
        {
            return new ParsedPage([], null, [], PageProblemKind.MalformedJson, $"malformed JSON: {exception.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            var items = new List<ParsedItem>();
            var problems = new List<ItemProblem>();
            List<(int, int)>? ranges = null;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                ranges = new List<(int, int)>(array.GetArrayLength());
                var index = 0;
                foreach (var element in array.EnumerateArray())
                {
                    // The document reads the caller's memory in place, so an element's raw bytes are a slice of the body;
                    // were it ever a copy, the ranges are left to the caller to find (null).
                    var raw = JsonMarshal.GetRawUtf8Value(element);
                    if (ranges is not null && body.Span.Overlaps(raw, out var start) && start >= 0 && start + raw.Length <= body.Length)
                    {
                        ranges.Add((start, raw.Length));
                    }
                    else
                    {
                        ranges = null;
                    }

                    Add(element, index++, items, problems);
                }
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("item", out var single) && single.ValueKind == JsonValueKind.Object)
            {
                Add(single, 0, items, problems);
                return new ParsedPage(items, null, problems, PageProblemKind.None, null);
            }

            var (pagination, kind, problem) = Envelope(root);
            return new ParsedPage(items, pagination, problems, kind, problem) { ElementRanges = ranges };
        }
    }

    /// <summary>Pagination, item count and page-level problem of <paramref name="body"/>, without reading items.</summary>
    public static PageInspection Inspect(ReadOnlyMemory<byte> body) => PageInspector.Inspect(body.Span);

    /// <summary>
    /// The page's pagination and problem from its document, by <see cref="PageInspector"/>'s rules (a test holds the two
    /// readers to one): a count that is absent or unreadable, even a string that is not valid Unicode, is the default.
    /// </summary>
    private static (VintedPagination? Pagination, PageProblemKind Kind, string? Problem) Envelope(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return (null, PageProblemKind.MissingItems, PageInspection.MissingItemsProblem);
        }

        var count = items.GetArrayLength();
        if (!root.TryGetProperty("pagination", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return (null, PageProblemKind.MissingPagination, PageInspection.MissingPaginationProblem);
        }

        long? Count(string name)
        {
            try
            {
                return Long(p, name);
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        var pagination = new VintedPagination(
            (int)(Count("current_page") ?? 1), (int)(Count("total_pages") ?? 1), Count("total_entries") ?? count, (int)(Count("per_page") ?? count), Count("time"));
        return (pagination, PageProblemKind.None, null);
    }

    private static void Add(JsonElement element, int index, List<ParsedItem> items, List<ItemProblem> problems)
    {
        try
        {
            AddItem(element, index, items, problems);
        }
        catch (InvalidOperationException exception)
        {
            // GetString throws for an escaped lone surrogate or invalid UTF-8: the item is bad, the page is not.
            problems.Add(new ItemProblem(index, $"item text is not valid Unicode: {exception.Message}"));
        }
    }

    private static void AddItem(JsonElement element, int index, List<ParsedItem> items, List<ItemProblem> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ItemProblem(index, $"item is a JSON {element.ValueKind}, not an object"));
            return;
        }

        var item = ItemProperties.Of(element);
        if (Long(item.Id) is not { } id)
        {
            var raw = item.Id.ValueKind == JsonValueKind.Undefined ? "absent" : item.Id.GetRawText();
            problems.Add(new ItemProblem(index, $"item id is not a 64-bit integer: {Truncate(raw)}"));
            return;
        }

        var (price, currency) = Money(item.Price);
        if (price is null && item.Price.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            problems.Add(new ItemProblem(index, $"price is not a decimal number: {Truncate(item.Price.GetRawText())}"));
            return;
        }

        currency ??= String(item.Currency);
        var photo = Photo(item.Photo, item.Photos);
        var card = ItemCard.FromBox(item.ItemBox);
        var brandDto = Child(item.BrandDto);
        var flatBrand = Text(item.BrandTitle) ?? (brandDto is { } brand ? Text(brand, "title") : null) ?? Text(item.Brand);
        var flatSize = Text(item.SizeTitle) ?? Text(item.Size);
        var flatStatus = Text(item.Status);
        var contentSource = String(item.ContentSource);
        items.Add(new ParsedItem
        {
            Id = id,
            Title = String(item.Title),
            Price = price ?? ToDecimal(item.PriceNumeric),
            Currency = currency,
            TotalItemPrice = Money(item.TotalItemPrice).Amount,
            ServiceFee = Money(item.ServiceFee).Amount,
            // The flat field when there is one, else the card (issue 22: svc-catalogue may leave the flat fields out).
            BrandTitle = flatBrand ?? card?.Brand,
            SizeTitle = flatSize ?? card?.Size,
            Status = flatStatus ?? card?.Condition,
            AttributeSource = ItemCard.SourceOf((flatBrand, card?.Brand), (flatSize, card?.Size), (flatStatus, card?.Condition)),
            ContentSource = contentSource,
            IsPromoted = ItemCard.IsPromoted(contentSource),
            StatusId = Long(item.StatusId),
            BrandId = Long(item.BrandId) ?? (brandDto is { } dto ? Long(dto, "id") : null),
            SizeId = Long(item.SizeId),
            CatalogId = Long(item.CatalogId),
            IsVisible = Bool(item.IsVisible),
            FavouriteCount = (int?)Long(item.FavouriteCount),
            ViewCount = (int?)Long(item.ViewCount),
            Url = String(item.Url),
            Path = String(item.Path),
            User = Child(item.User) is { } user ? new ParsedUser(Long(user, "id"), String(user, "login"), Bool(user, "business")) : null,
            Photo = photo,
            PhotoCount = item.Photos.ValueKind == JsonValueKind.Array ? item.Photos.GetArrayLength() : null,
            ListedAt = photo?.HighResolutionTimestamp ?? Timestamp(item.CreatedAtTs),
        });
    }

    /// <summary>
    /// The item's top-level properties the parser reads, found in one pass over the object; an absent one is
    /// <see cref="JsonValueKind.Undefined"/>. Looking each of them up by name scanned the item's ~40 properties every
    /// time: 4.3 of the 6.2 µs per item of a search page (issue 21). A name given twice keeps its last value, as a
    /// lookup by name does.
    /// </summary>
    private struct ItemProperties
    {
        public JsonElement Id, Title, Price, PriceNumeric, Currency, TotalItemPrice, ServiceFee, BrandTitle, BrandDto, Brand, SizeTitle, Size,
            Status, ContentSource, StatusId, BrandId, SizeId, CatalogId, IsVisible, FavouriteCount, ViewCount, Url, Path, User, Photo, Photos,
            ItemBox, CreatedAtTs;

        public static ItemProperties Of(JsonElement item)
        {
            var found = default(ItemProperties);
            foreach (var property in item.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "id": found.Id = value; break;
                    case "title": found.Title = value; break;
                    case "price": found.Price = value; break;
                    case "price_numeric": found.PriceNumeric = value; break;
                    case "currency": found.Currency = value; break;
                    case "total_item_price": found.TotalItemPrice = value; break;
                    case "service_fee": found.ServiceFee = value; break;
                    case "brand_title": found.BrandTitle = value; break;
                    case "brand_dto": found.BrandDto = value; break;
                    case "brand": found.Brand = value; break;
                    case "size_title": found.SizeTitle = value; break;
                    case "size": found.Size = value; break;
                    case "status": found.Status = value; break;
                    case "content_source": found.ContentSource = value; break;
                    case "status_id": found.StatusId = value; break;
                    case "brand_id": found.BrandId = value; break;
                    case "size_id": found.SizeId = value; break;
                    case "catalog_id": found.CatalogId = value; break;
                    case "is_visible": found.IsVisible = value; break;
                    case "favourite_count": found.FavouriteCount = value; break;
                    case "view_count": found.ViewCount = value; break;
                    case "url": found.Url = value; break;
                    case "path": found.Path = value; break;
                    case "user": found.User = value; break;
                    case "photo": found.Photo = value; break;
                    case "photos": found.Photos = value; break;
                    case "item_box": found.ItemBox = value; break;
                    case "created_at_ts": found.CreatedAtTs = value; break;
                }
            }

            return found;
        }
    }

    private static ParsedPhoto? Photo(JsonElement photoValue, JsonElement photos)
    {
        var photo = Child(photoValue);
        if (photo is null && photos.ValueKind == JsonValueKind.Array && photos.GetArrayLength() > 0)
        {
            photo = photos[0].ValueKind == JsonValueKind.Object ? photos[0] : null;
        }

        if (photo is not { } p)
        {
            return null;
        }

        var high = Child(p, "high_resolution");
        return new ParsedPhoto(Long(p, "id"), String(p, "url"), (int?)Long(p, "width"), (int?)Long(p, "height"),
            high is { } h ? Timestamp(h, "timestamp") : null);
    }

    // Each reader takes either a value (JsonValueKind.Undefined when absent) or an object and the name to look up in it.
    private static (decimal? Amount, string? Currency) Money(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined => (null, null),
        JsonValueKind.Object => (Decimal(value, "amount"), String(value, "currency_code")),
        _ => (ToDecimal(value), null),
    };

    internal static JsonElement? Child(JsonElement value) => value.ValueKind == JsonValueKind.Object ? value : null;

    internal static JsonElement? Child(JsonElement element, string name) => Child(Property(element, name));

    /// <summary>A string that says something: null for absent, null, empty or blank.</summary>
    internal static string? Text(JsonElement value) => String(value) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    internal static string? Text(JsonElement element, string name) => Text(Property(element, name));

    internal static string? String(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static string? String(JsonElement element, string name) => String(Property(element, name));

    private static decimal? Decimal(JsonElement element, string name) => ToDecimal(Property(element, name));

    private static decimal? ToDecimal(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
        // A decimal point or nothing: "12,50" (a decimal comma) and "1,250" (a thousands separator) are both unreadable.
        JsonValueKind.String when value.GetString() is { Length: > 0 } text && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[^1])
            && decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    internal static long? Long(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var number) => number,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var text) => text,
        _ => null,
    };

    internal static long? Long(JsonElement element, string name) => Long(Property(element, name));

    private static bool? Bool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var number) => number != 0,
        _ => null,
    };

    private static bool? Bool(JsonElement element, string name) => Bool(Property(element, name));

    private static DateTimeOffset? Timestamp(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds is > 0 and < 253402300799)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : null;
    }

    private static DateTimeOffset? Timestamp(JsonElement element, string name) => Timestamp(Property(element, name));

    /// <summary>The property's value; <see cref="JsonValueKind.Undefined"/> when absent.</summary>
    private static JsonElement Property(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value : default;

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "...";
}

/// <summary>What <see cref="VintedPageParser.Inspect(ReadOnlyMemory{byte})"/> finds without reading items.</summary>
public sealed record PageInspection(VintedPagination? Pagination, int ItemCount, PageProblemKind ProblemKind, string? Problem)
{
    /// <summary>The problem's text for <see cref="PageProblemKind.MissingItems"/>, from the parser and the inspector alike.</summary>
    internal const string MissingItemsProblem = "missing items: the body has no 'items' array";

    /// <summary>The problem's text for <see cref="PageProblemKind.MissingPagination"/>.</summary>
    internal const string MissingPaginationProblem = "missing pagination: treated as a single page";

    /// <summary>Items of <see cref="ItemCount"/> that are promoted cards (adverts), not results of the search.</summary>
    public int PromotedCount { get; init; }
}
