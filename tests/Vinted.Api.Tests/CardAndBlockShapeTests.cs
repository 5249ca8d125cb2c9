using Vinted.Api.Http;
using Vinted.Api.Models;
using Vinted.Api.Parsing;
using Vinted.Simulator;

using Vinted.Testing;

namespace Vinted.Api.Tests;

/// <summary>
/// Issue 22: the shapes Vinted answers with today, read from bodies written in those shapes (Samples/*.source.txt say
/// where each was seen): cards that carry brand, size and condition without the flat fields, promoted cards, and the
/// 403s of DataDome and Cloudflare, every one of them a block with its kind.
/// </summary>
public sealed class CardAndBlockShapeTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static byte[] Sample(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", file));

    private static ParsedItem Item(long id) => VintedPageParser.Parse(Sample("svc_catalogue_cards.json")).Items.Single(i => i.Id == id);

    [Theory]
    [InlineData(7100000001, "Zara", null, null, AttributeSource.Card)]                   // brand only
    [InlineData(7100000002, null, "M", null, AttributeSource.Card)]                      // size only (the label names it), flat fields empty
    [InlineData(7100000003, null, null, "Very good", AttributeSource.Card)]              // condition only, as in the real sample
    [InlineData(7100000004, "Nike", "42", "Muito bom", AttributeSource.Card)]            // both parts of the second line
    [InlineData(7100000005, null, null, null, AttributeSource.None)]                     // neither
    [InlineData(7100000006, "Mango", "S", "Novo sem etiquetas", AttributeSource.Flat)]   // flat fields present: they win
    [InlineData(7100000007, "Guess", null, "Muito bom", AttributeSource.Mixed)]          // flat brand, card condition
    public void Parse_CardWithoutFlatFields_ReadsBrandSizeConditionFromTheCardAndSaysSo(long id, string? brand, string? size, string? condition, AttributeSource source)
    {
        var item = Item(id);

        Assert.Equal((brand, size, condition, source), (item.BrandTitle, item.SizeTitle, item.Status, item.AttributeSource));
        Assert.False(item.IsPromoted);
        Assert.Equal("search", item.ContentSource);
    }

    [Fact]
    public void Parse_PromotedCard_IsFlaggedAndCountedApartOnThePage()
    {
        var item = Item(7100000008);

        Assert.True(item.IsPromoted);
        Assert.Equal(("Adidas", "40", "Bom"), (item.BrandTitle, item.SizeTitle, item.Status));
        var inspection = VintedPageParser.Inspect(Sample("svc_catalogue_cards.json"));
        Assert.Equal((8, 1, 7L), (inspection.ItemCount, inspection.PromotedCount, inspection.Pagination!.TotalEntries));
    }

    [Fact]
    public void Parse_RealCatalogSample_ConditionOnlySecondLineAndFlatStatusAgree()
    {
        // The real sample has a non-numeric placeholder id, so its card is read directly.
        using var document = System.Text.Json.JsonDocument.Parse(Sample("vinted_fixture_catalog_search.json"));
        var card = ItemCard.Read(document.RootElement.GetProperty("items")[0])!;

        Assert.Equal(("Gabby's Dollhouse", null, "Very good"), (card.Brand, card.Size, card.Condition));
    }

    public static TheoryData<string, string, Dictionary<string, string>, string[], VintedBlockKind> Blocks => new()
    {
        { "datadome_captcha_403.json", "application/json; charset=utf-8", new() { ["x-datadome"] = "protected" }, ["datadome=sim~0; Max-Age=31536000; Path=/"], VintedBlockKind.DataDomeCaptcha },
        { "datadome_captcha_403.json", "application/json; charset=utf-8", new(), ["datadome=sim~0; Path=/"], VintedBlockKind.DataDomeCaptcha },
        { "datadome_challenge_403.html", "text/html;charset=utf-8", new() { ["x-datadome"] = "protected" }, ["datadome=sim~0; Path=/"], VintedBlockKind.DataDomeChallenge },
        { "cloudflare_access_denied_403.html", "text/html; charset=UTF-8", new() { ["server"] = "cloudflare", ["cf-ray"] = "8f0c5e1a2b3c4d5e-CDG" }, [], VintedBlockKind.CloudflareChallenge },
        { "cloudflare_1020_403.txt", "text/plain; charset=UTF-8", new() { ["server"] = "cloudflare", ["cf-ray"] = "8f0c5e1a2b3c4d5e-CDG" }, [], VintedBlockKind.CloudflareFirewall },
        { "cloudflare_1020_403.txt", "text/plain; charset=UTF-8", new(), [], VintedBlockKind.CloudflareFirewall },
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Detect_AntiBot403_IsABlockOfItsKind(string file, string contentType, Dictionary<string, string> headers, string[] cookies, VintedBlockKind expected)
    {
        var response = new HttpAttempt(403, contentType, null, Sample(file), cookies, null)
        {
            Headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase),
        };

        Assert.Equal(expected, BlockDetector.Detect(response));
    }

    [Fact]
    public void Detect_VintedsOwnJson403_IsARefusalNotABlock()
    {
        var response = new HttpAttempt(403, "application/json", null, """{"code":106,"message":"access_denied","message_code":"access_denied"}"""u8.ToArray(), [], null);

        Assert.Null(BlockDetector.Detect(response));
        Assert.Null(BlockDetector.Detect(response with { StatusCode = 200 }));
    }

    /// <summary>The bug of issue 22: a DataDome JSON 403 was a refused request (not retried, failing the run), not a block.</summary>
    [Theory]
    [InlineData(BlockShape.DataDome, VintedBlockKind.DataDomeCaptcha)]
    [InlineData(BlockShape.CloudflareHtml, VintedBlockKind.CloudflareChallenge)]
    [InlineData(BlockShape.Cloudflare1020, VintedBlockKind.CloudflareFirewall)]
    public async Task FetchPageAsync_SimulatorBlocksInEachShape_ThrowsBlockedWithTheKind(BlockShape shape, VintedBlockKind expected)
    {
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { AntiBotRate = 1, BlockShape = shape });
        using var client = Sim.Client(sim);

        var error = await Assert.ThrowsAsync<VintedBlockedException>(() => client.FetchPageAsync(VintedSearch.Catalog("pt"), 1, None));

        Assert.Equal(expected, error.Kind);
        Assert.Contains(expected.Describe(), error.Message, StringComparison.Ordinal);
        Assert.Equal(1, sim.State.Count("faults:anti_bot")); // not retried
    }

    [Fact]
    public async Task FetchPageAsync_DomainBlockedByDataDome_HomePageChallengeIsABlockToo()
    {
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { BlockedDomains = ["pt"], BlockShape = BlockShape.DataDome });
        using var client = Sim.Client(sim);

        var error = await Assert.ThrowsAsync<VintedBlockedException>(() => client.FetchPageAsync(VintedSearch.Catalog("pt"), 1, None));

        Assert.Equal(VintedBlockKind.DataDomeChallenge, error.Kind); // the session's home page is what DataDome stops first
    }

    [Fact]
    public async Task FetchPageAsync_CardOnlyItemsAndPromotedCards_ParseToTheGroundTruth()
    {
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { CardOnlyFraction = 1, PromotedPerPage = 2 });
        using var client = Sim.Client(sim);
        var search = VintedSearch.Catalog("pt") with { PerPage = 40 };

        var page = await client.FetchPageAsync(search, 1, None);
        var parsed = VintedPageParser.Parse(page.Body);

        Assert.Equal(2, page.PromotedCount);
        var truth = sim.Marketplace.GroundTruth(sim.State.Date, search).Listings.Take(40).ToDictionary(l => l.Id);
        var results = parsed.Items.Where(i => !i.IsPromoted).ToList();
        Assert.Equal(truth.Keys.Order(), results.Select(i => i.Id).Order());
        Assert.All(results, i =>
        {
            var listing = truth[i.Id];
            Assert.Equal((listing.BrandTitle, string.IsNullOrEmpty(listing.SizeTitle) ? null : listing.SizeTitle, listing.Status), (i.BrandTitle, i.SizeTitle, i.Status));
            Assert.Equal(AttributeSource.Card, i.AttributeSource);
        });
    }
}
