using System.Text.Json;

namespace Vinted.Api.Parsing;

/// <summary>
/// The card a search result is drawn with, <c>item_box</c>: <c>first_line</c> is the brand, <c>second_line</c> is
/// "size · condition", either part possibly missing. Seen in Giglium/vinted_scraper tests/samples/search_items_dummy.json
/// (copied as Samples/vinted_fixture_catalog_search.json): <c>"item_box": {"first_line": "Gabby's Dollhouse",
/// "second_line": "Very good", "exposures": [], "accessibility_label": "Jumbling tower game, brand: Gabby's Dollhouse,
/// condition: Very good, $3.00, ...", "item_id": ...}</c>, next to <c>"size_title": ""</c> and <c>"content_source": "search"</c>;
/// Giglium/vinted_scraper src/vinted_scraper/models/_item.py lists <c>item_box</c> and <c>content_source</c> among a search
/// item's fields. A second line with both parts was not found in a public sample: the " · " separator follows issue 22.
/// </summary>
internal sealed record ItemCard(string? Brand, string? Size, string? Condition)
{
    private const string Separator = " · ";

    // The accessibility label names each part ("brand: X, size: Y, condition: Z"); a lone part of the second line is
    // placed by the word before it. The real label is in the site's language: these are the words for the sites' languages
    // as far as known; a word not listed leaves a lone part read as the condition, as in the real sample.
    private static readonly string[] SizeWords = ["size", "taille", "größe", "grösse", "tamanho", "talla", "taglia", "rozmiar", "maat", "velikost", "veľkosť", "méret", "dydis", "storlek", "størrelse", "koko", "mărime", "μέγεθος", "izmērs", "suurus", "veličina", "velikost"];

    /// <summary>The card of <paramref name="item"/>; null when it has none.</summary>
    public static ItemCard? Read(JsonElement item) => FromBox(item.TryGetProperty("item_box", out var box) ? box : default);

    /// <summary>The card an item's <c>item_box</c> value draws; null when it is not an object (or absent: <see cref="JsonValueKind.Undefined"/>).</summary>
    public static ItemCard? FromBox(JsonElement itemBox)
    {
        if (VintedPageParser.Child(itemBox) is not { } box)
        {
            return null;
        }

        var brand = VintedPageParser.Text(box, "first_line");
        var second = VintedPageParser.Text(box, "second_line");
        if (second is null)
        {
            return new ItemCard(brand, null, null);
        }

        var parts = second.Split(Separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            0 => new ItemCard(brand, null, null),
            1 when IsSize(parts[0], VintedPageParser.Text(box, "accessibility_label")) => new ItemCard(brand, parts[0], null),
            1 => new ItemCard(brand, null, parts[0]),
            _ => new ItemCard(brand, parts[0], parts[^1]),
        };
    }

    /// <summary>Whether the accessibility label names <paramref name="part"/> as the size ("size: 42").</summary>
    private static bool IsSize(string part, string? label)
    {
        if (label is null)
        {
            return false;
        }

        var at = label.IndexOf(": " + part, StringComparison.Ordinal);
        if (at <= 0)
        {
            return false;
        }

        var start = label.LastIndexOfAny([',', '\n'], at - 1) + 1;
        var word = label[start..at].Trim();
        return SizeWords.Contains(word, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether a card is an advert: its <c>content_source</c> says promoted. Results say <c>search</c> (the sample above);
    /// the promoted value itself was not found in a public sample, so any value naming "promoted" counts (issue 22). The
    /// flat <c>"promoted": true|false</c> of older pages is a seller's bump of a matching listing, not an advert: not read here.
    /// </summary>
    public static bool IsPromoted(string? contentSource) =>
        contentSource is not null && contentSource.Contains("promoted", StringComparison.OrdinalIgnoreCase);

    public static AttributeSource SourceOf(params ReadOnlySpan<(string? Flat, string? Card)> fields)
    {
        bool flat = false, card = false;
        foreach (var (f, c) in fields)
        {
            flat |= f is not null;
            card |= f is null && c is not null;
        }

        return (flat, card) switch
        {
            (true, true) => AttributeSource.Mixed,
            (true, false) => AttributeSource.Flat,
            (false, true) => AttributeSource.Card,
            _ => AttributeSource.None,
        };
    }
}
