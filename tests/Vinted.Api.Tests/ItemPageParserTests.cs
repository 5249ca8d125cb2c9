using System.Text;
using Vinted.Api.Parsing;

namespace Vinted.Api.Tests;

/// <summary>
/// The item page reader on bodies in the shape public scrapers saw on the live site:
/// the JSON-LD <c>Product</c> with <c>offers</c> of Giglium/vinted_scraper (tests/samples/item_page_dummy.html, added by
/// PR #197, https://github.com/Giglium/vinted_scraper/pull/197, "tested live on vinted.it"), and the item's state in
/// the page's embedded, escaped JSON as aminalmasi/vinted-watcher reads it (vintedwatch/client.py, check_sold: a live
/// item carries <c>is_closed: false</c>, <c>item_closing_action: null</c>; a sold one flips them; 404/410 = deleted).
/// </summary>
public sealed class ItemPageParserTests
{
    // The head as in Giglium/vinted_scraper tests/samples/item_page_dummy.html: og meta tags and a Product whose offers
    // carry a price and a currency, and no availability.
    private const string Head = """
        <!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>Sony Cybershot DSC-W120 - Vinted</title>
            <meta name="description" content="Sony Cybershot DSC-W120 - fallback description" />
            <meta property="og:description" content="Sony Cybershot DSC-W120 - fallback description" />
            <script type="application/ld+json">
              {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": "Sony Cybershot DSC-W120",
                "description": "Fully working digital camera.\nComes with the original box and charger.",
                "image": "https://images1.vinted.net/t/dummy/f800/1.webp",
                "brand": { "@type": "Brand", "name": "Sony" },
                "offers": {
                  "@type": "Offer",
                  "price": "25.00",
                  "priceCurrency": "EUR"OFFER_EXTRA
                }
              }
            </script>
          </head>
        """;

    // The item's state as the page embeds it: inside a JavaScript string (flight data), quotes escaped, with a photo's
    // own is_hidden before the item's (vinted-watcher: "is_hidden occurs ~53 times because every photo carries one").
    private static string Flight(string closed, string action) =>
        $$$"""<script>self.__next_f.push([1,"{\"item\":{\"id\":7263771934,\"photos\":[{\"id\":1,\"is_hidden\":false}],\"is_closed\":{{{closed}}},\"is_hidden\":false,\"is_reserved\":false,\"item_closing_action\":{{{action}}}}}"])</script>""";

    private static ItemPageReading Read(int status, string html) => ItemPageParser.Read(status, Encoding.UTF8.GetBytes(html));

    private static string Page(string offerExtra = "", string body = "") =>
        Head.Replace("OFFER_EXTRA", offerExtra, StringComparison.Ordinal) + $"<body><main>item page</main>{body}</body></html>";

    [Fact]
    public void Read_GiglumFixtureAsIs_UnknownBecauseOffersCarryNoAvailability()
    {
        var reading = Read(200, Page());

        Assert.Equal(ListingFate.Unknown, reading.Fate);
        Assert.Contains("nothing clear", reading.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EscapedStateClosedBySale_Sold()
    {
        var reading = Read(200, Page(body: Flight("true", "\\\"sold\\\"")));

        Assert.Equal(ListingFate.Sold, reading.Fate);
        Assert.Contains("item state: sold", reading.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RawStateClosedBySale_Sold() =>
        Assert.Equal(ListingFate.Sold, Read(200, Page(body: """<script id="__NEXT_DATA__" type="application/json">{"item":{"is_closed":true,"item_closing_action":"sold"}}</script>""")).Fate);

    [Theory]
    [InlineData("https://schema.org/SoldOut")]
    [InlineData("http://schema.org/SoldOut")]
    [InlineData("SoldOut")]
    public void Read_OffersSoldOut_Sold(string availability) =>
        Assert.Equal(ListingFate.Sold, Read(200, Page($""", "availability": "{availability}" """)).Fate);

    [Fact]
    public void Read_OffersSoldOutAndStateSold_Sold() =>
        Assert.Equal(ListingFate.Sold, Read(200, Page(""", "availability": "https://schema.org/SoldOut" """, Flight("true", "\\\"sold\\\""))).Fate);

    [Fact]
    public void Read_LiveItem_UnknownStillForSale()
    {
        var reading = Read(200, Page(""", "availability": "https://schema.org/InStock" """, Flight("false", "null")));

        Assert.Equal(ListingFate.Unknown, reading.Fate);
        Assert.Contains("still for sale", reading.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SoldOutButStateLive_UnknownContradiction() =>
        Assert.Equal(ListingFate.Unknown, Read(200, Page(""", "availability": "https://schema.org/SoldOut" """, Flight("false", "null"))).Fate);

    [Theory]
    [InlineData("true", "null")]
    [InlineData("true", "\\\"deleted\\\"")]
    [InlineData("false", "\\\"closed_by_admin\\\"")]
    public void Read_ClosedWithoutASaleOrAnUnattestedAction_Unknown(string closed, string action) =>
        Assert.Equal(ListingFate.Unknown, Read(200, Page(body: Flight(closed, action))).Fate);

    [Theory]
    [InlineData("https://schema.org/OutOfStock")]
    [InlineData("https://schema.org/Discontinued")]
    public void Read_OtherAvailability_Unknown(string availability) =>
        Assert.Equal(ListingFate.Unknown, Read(200, Page($""", "availability": "{availability}" """)).Fate);

    [Fact]
    public void Read_ProductInGraphWithOffersArray_Sold() =>
        Assert.Equal(ListingFate.Sold, Read(200, """
            <html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"BreadcrumbList"},
            {"@type":"Product","name":"x","offers":[{"@type":"Offer","price":"5.00","availability":"https://schema.org/SoldOut"}]}]}</script></head></html>
            """).Fate);

    [Theory]
    [InlineData(404)]
    [InlineData(410)]
    public void Read_PageGone_Withdrawn(int status)
    {
        var reading = Read(status, "<!DOCTYPE html><html><head><title>Page not found</title></head><body></body></html>");

        Assert.Equal(ListingFate.Withdrawn, reading.Fate);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), reading.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(500)]
    public void Read_BlockedOrError_Unknown(int status) =>
        Assert.Equal(ListingFate.Unknown, Read(status, "<html><body>Please enable JS and disable any ad blocker</body></html>").Fate);

    [Fact]
    public void Read_MalformedJsonLdOrNoProduct_Unknown()
    {
        Assert.Equal(ListingFate.Unknown, Read(200, """<html><head><script type="application/ld+json">{"@type":"Product","offers":{"availability":"https://schema.org/SoldOut"</script></head></html>""").Fate);
        Assert.Equal(ListingFate.Unknown, Read(200, """<html><head><script type="application/ld+json">{"@type":"Organization","name":"Vinted"}</script></head></html>""").Fate);
        Assert.Equal(ListingFate.Unknown, Read(200, "").Fate);
    }
}
