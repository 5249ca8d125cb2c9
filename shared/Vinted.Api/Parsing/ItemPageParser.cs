using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Vinted.Api.Parsing;

/// <summary>What became of a listing that vanished, as its public item page tells it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ListingFate>))]
public enum ListingFate
{
    /// <summary>The page says nothing clear (no page, blocked, still listed, contradictory, an unfamiliar state).</summary>
    Unknown,

    /// <summary>The page is up and marked sold.</summary>
    Sold,

    /// <summary>The page is gone (404 or 410): the seller deleted the listing or Vinted removed it.</summary>
    Withdrawn,
}

/// <summary>A verdict on one item page and the evidence it rests on (stored with the outcome, so every verdict can be explained).</summary>
public sealed record ItemPageReading(ListingFate Fate, string Reason);

/// <summary>
/// Reads a public item page (<c>/items/{id}</c>) for the fate of a listing. Two signals are read, and a verdict is given
/// only when they agree; everything else is <see cref="ListingFate.Unknown"/>, never a guess:
/// <list type="bullet">
/// <item>the schema.org JSON-LD <c>Product</c> with its <c>offers</c> (seen on the live site by Giglium/vinted_scraper,
/// PR #197 and tests/samples/item_page_dummy.html; their fixture has <c>offers</c> with a price and no
/// <c>availability</c>, so an <c>availability</c> is read when present and its absence says nothing);</item>
/// <item>the item's state in the JSON the page embeds (aminalmasi/vinted-watcher, vintedwatch/client.py: a live page
/// carries <c>"is_closed":false</c> and <c>"item_closing_action":null</c>, a sold one <c>"item_closing_action":"sold"</c>,
/// often inside escaped flight data as <c>\"is_closed\":true</c>; the key occurs once, on the item itself, so it
/// anchors the search).</item>
/// </list>
/// A 404 or 410 means the listing was deleted (the issue, and vinted-watcher's <c>check_sold</c>); a 403 is a block,
/// not an answer.
/// </summary>
public static partial class ItemPageParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The verdict for a page fetched with <paramref name="statusCode"/> and <paramref name="body"/>.</summary>
    public static ItemPageReading Read(int statusCode, ReadOnlySpan<byte> body)
    {
        if (statusCode is 404 or 410)
        {
            return new(ListingFate.Withdrawn, $"the item page answers {statusCode}: the listing was deleted");
        }

        if (statusCode != 200)
        {
            return new(ListingFate.Unknown, $"the item page answered {statusCode}");
        }

        var html = Encoding.UTF8.GetString(body);
        var offers = ReadAvailability(html);
        var state = ReadState(html);
        var sold = offers == Signal.Sold || state == Signal.Sold;
        var listed = offers == Signal.Listed || state == Signal.Listed;
        var evidence = $"offers.availability: {Describe(offers)}; item state: {Describe(state)}";
        return (sold, listed) switch
        {
            (true, false) => new(ListingFate.Sold, $"marked sold ({evidence})"),
            (true, true) => new(ListingFate.Unknown, $"the page contradicts itself ({evidence})"),
            (false, true) => new(ListingFate.Unknown, $"the page shows the listing still for sale ({evidence})"),
            _ => new(ListingFate.Unknown, $"the page says nothing clear ({evidence})"),
        };
    }

    private enum Signal
    {
        Absent,
        Sold,
        Listed,
        Unclear,
    }

    private static string Describe(Signal signal) => signal switch
    {
        Signal.Sold => "sold",
        Signal.Listed => "for sale",
        Signal.Unclear => "unfamiliar value",
        _ => "absent",
    };

    /// <summary>The availability of the page's schema.org Product offers: the first Product that has one decides.</summary>
    private static Signal ReadAvailability(string html)
    {
        foreach (Match script in JsonLdScript().Matches(html))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(script.Groups["json"].Value, DocumentOptions);
            }
            catch (JsonException)
            {
                continue;
            }

            using (document)
            {
                foreach (var product in Products(document.RootElement))
                {
                    if (Availability(product) is { } availability)
                    {
                        return availability;
                    }
                }
            }
        }

        return Signal.Absent;
    }

    private static IEnumerable<JsonElement> Products(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in node.EnumerateArray())
            {
                foreach (var product in Products(element))
                {
                    yield return product;
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Object)
        {
            if (IsProduct(node))
            {
                yield return node;
            }

            if (node.TryGetProperty("@graph", out var graph))
            {
                foreach (var product in Products(graph))
                {
                    yield return product;
                }
            }
        }
    }

    private static bool IsProduct(JsonElement node) =>
        node.TryGetProperty("@type", out var type) && (type.ValueKind == JsonValueKind.String && type.GetString() == "Product"
            || type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == "Product"));

    private static Signal? Availability(JsonElement product)
    {
        if (!product.TryGetProperty("offers", out var offers))
        {
            return null;
        }

        var values = (offers.ValueKind == JsonValueKind.Array ? offers.EnumerateArray().ToList() : [offers])
            .Where(o => o.ValueKind == JsonValueKind.Object && o.TryGetProperty("availability", out var a) && a.ValueKind == JsonValueKind.String)
            .Select(o => o.GetProperty("availability").GetString()!)
            .ToList();
        if (values.Count == 0)
        {
            return null;
        }

        // "https://schema.org/SoldOut", "http://schema.org/SoldOut" and "SoldOut" name the same ItemAvailability member.
        var names = values.Select(v => v[(v.LastIndexOf('/') + 1)..]).Distinct(StringComparer.Ordinal).ToList();
        return names switch
        {
            ["SoldOut"] => Signal.Sold,
            _ when names.All(n => n is "InStock" or "LimitedAvailability" or "OnlineOnly" or "InStoreOnly") => Signal.Listed,
            // OutOfStock, Discontinued, a mix: none of these says sold or withdrawn.
            _ => Signal.Unclear,
        };
    }

    /// <summary>The item's own state from the embedded JSON, anchored on <c>item_closing_action</c>.</summary>
    private static Signal ReadState(string html)
    {
        var closing = ClosingAction().Match(html);
        if (!closing.Success)
        {
            return Signal.Absent;
        }

        // is_closed is a sibling of item_closing_action in the item's object: read it close by, not anywhere on the page.
        var from = Math.Max(0, closing.Index - 3_000);
        var window = html.AsSpan(from, Math.Min(html.Length, closing.Index + 3_000) - from).ToString();
        var closed = IsClosed().Match(window) is { Success: true } m ? m.Groups["value"].Value == "true" : (bool?)null;
        if (closing.Groups["action"].Success)
        {
            // Only "sold" is attested; any other closing action is not read as a sale or a withdrawal.
            return closing.Groups["action"].Value == "sold" ? Signal.Sold : Signal.Unclear;
        }

        return closed switch
        {
            false => Signal.Listed,
            // Closed without a closing action: not attested in any scraper's sample.
            true => Signal.Unclear,
            null => Signal.Absent,
        };
    }

    [GeneratedRegex("""<script[^>]*type\s*=\s*["']application/ld\+json["'][^>]*>(?<json>.*?)</script>""", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex JsonLdScript();

    // Raw ("item_closing_action":"sold") or escaped inside a JavaScript string (\"item_closing_action\":\"sold\").
    [GeneratedRegex("""\\?"item_closing_action\\?"\s*:\s*(?:null|\\?"(?<action>[^"\\]*)\\?")""", RegexOptions.CultureInvariant)]
    private static partial Regex ClosingAction();

    [GeneratedRegex("""\\?"is_closed\\?"\s*:\s*(?<value>true|false)""", RegexOptions.CultureInvariant)]
    private static partial Regex IsClosed();
}
