using System.Globalization;
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
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var element in array.EnumerateArray())
                {
                    Add(element, index++, items, problems);
                }
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("item", out var single) && single.ValueKind == JsonValueKind.Object)
            {
                Add(single, 0, items, problems);
                return new ParsedPage(items, null, problems, PageProblemKind.None, null);
            }

            var (pagination, _, kind, problem) = Inspect(root);
            return new ParsedPage(items, pagination, problems, kind, problem);
        }
    }

    /// <summary>Pagination, item count and page-level problem of <paramref name="body"/>, without reading items.</summary>
    public static PageInspection Inspect(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            return Inspect(document.RootElement);
        }
        catch (JsonException exception)
        {
            return new PageInspection(null, 0, PageProblemKind.MalformedJson, $"malformed JSON: {exception.Message}");
        }
    }

    private static PageInspection Inspect(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return new PageInspection(null, 0, PageProblemKind.MissingItems, "missing items: the body has no 'items' array");
        }

        var count = items.GetArrayLength();
        var promoted = items.EnumerateArray().Count(i => i.ValueKind == JsonValueKind.Object && ItemCard.IsPromoted(String(i, "content_source")));
        if (!root.TryGetProperty("pagination", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return new PageInspection(null, count, PageProblemKind.MissingPagination, "missing pagination: treated as a single page") { PromotedCount = promoted };
        }

        var pagination = new VintedPagination(
            (int)(Long(p, "current_page") ?? 1),
            (int)(Long(p, "total_pages") ?? 1),
            Long(p, "total_entries") ?? count,
            (int)(Long(p, "per_page") ?? count),
            Long(p, "time"));
        return new PageInspection(pagination, count, PageProblemKind.None, null) { PromotedCount = promoted };
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

        if (Long(element, "id") is not { } id)
        {
            var raw = element.TryGetProperty("id", out var idElement) ? idElement.GetRawText() : "absent";
            problems.Add(new ItemProblem(index, $"item id is not a 64-bit integer: {Truncate(raw)}"));
            return;
        }

        var (price, currency) = Money(element, "price");
        if (price is null && element.TryGetProperty("price", out var priceElement) && priceElement.ValueKind != JsonValueKind.Null)
        {
            problems.Add(new ItemProblem(index, $"price is not a decimal number: {Truncate(priceElement.GetRawText())}"));
            return;
        }

        currency ??= String(element, "currency");
        var photo = Photo(element);
        var card = ItemCard.Read(element);
        var flatBrand = Text(element, "brand_title") ?? (Child(element, "brand_dto") is { } brand ? Text(brand, "title") : null) ?? Text(element, "brand");
        var flatSize = Text(element, "size_title") ?? Text(element, "size");
        var flatStatus = Text(element, "status");
        var contentSource = String(element, "content_source");
        items.Add(new ParsedItem
        {
            Id = id,
            Title = String(element, "title"),
            Price = price ?? Decimal(element, "price_numeric"),
            Currency = currency,
            TotalItemPrice = Money(element, "total_item_price").Amount,
            ServiceFee = Money(element, "service_fee").Amount,
            // The flat field when there is one, else the card (issue 22: svc-catalogue may leave the flat fields out).
            BrandTitle = flatBrand ?? card?.Brand,
            SizeTitle = flatSize ?? card?.Size,
            Status = flatStatus ?? card?.Condition,
            AttributeSource = ItemCard.SourceOf((flatBrand, card?.Brand), (flatSize, card?.Size), (flatStatus, card?.Condition)),
            ContentSource = contentSource,
            IsPromoted = ItemCard.IsPromoted(contentSource),
            StatusId = Long(element, "status_id"),
            BrandId = Long(element, "brand_id") ?? (Child(element, "brand_dto") is { } dto ? Long(dto, "id") : null),
            SizeId = Long(element, "size_id"),
            CatalogId = Long(element, "catalog_id"),
            IsVisible = Bool(element, "is_visible"),
            FavouriteCount = (int?)Long(element, "favourite_count"),
            ViewCount = (int?)Long(element, "view_count"),
            Url = String(element, "url"),
            Path = String(element, "path"),
            User = Child(element, "user") is { } user ? new ParsedUser(Long(user, "id"), String(user, "login"), Bool(user, "business")) : null,
            Photo = photo,
            PhotoCount = element.TryGetProperty("photos", out var photos) && photos.ValueKind == JsonValueKind.Array ? photos.GetArrayLength() : null,
            ListedAt = photo?.HighResolutionTimestamp ?? Timestamp(element, "created_at_ts"),
        });
    }

    private static ParsedPhoto? Photo(JsonElement item)
    {
        var photo = Child(item, "photo");
        if (photo is null && item.TryGetProperty("photos", out var photos) && photos.ValueKind == JsonValueKind.Array && photos.GetArrayLength() > 0)
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

    private static (decimal? Amount, string? Currency) Money(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return (null, null);
        }

        return value.ValueKind == JsonValueKind.Object
            ? (Decimal(value, "amount"), String(value, "currency_code"))
            : (ToDecimal(value), null);
    }

    internal static JsonElement? Child(JsonElement element, string name) =>
        element.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    /// <summary>A string that says something: null for absent, null, empty or blank.</summary>
    internal static string? Text(JsonElement element, string name) => String(element, name) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    internal static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static decimal? Decimal(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? ToDecimal(value) : null;

    private static decimal? ToDecimal(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
        // A decimal point or nothing: "12,50" (a decimal comma) and "1,250" (a thousands separator) are both unreadable.
        JsonValueKind.String when value.GetString() is { Length: > 0 } text && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[^1])
            && decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    internal static long? Long(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var text) => text,
            _ => null,
        };
    }

    private static bool? Bool(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetInt64(out var number) => number != 0,
            _ => null,
        };
    }

    private static DateTimeOffset? Timestamp(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds is > 0 and < 253402300799)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : null;
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "...";
}

/// <summary>What <see cref="VintedPageParser.Inspect(ReadOnlyMemory{byte})"/> finds without reading items.</summary>
public sealed record PageInspection(VintedPagination? Pagination, int ItemCount, PageProblemKind ProblemKind, string? Problem)
{
    /// <summary>Items of <see cref="ItemCount"/> that are promoted cards (adverts), not results of the search.</summary>
    public int PromotedCount { get; init; }
}
