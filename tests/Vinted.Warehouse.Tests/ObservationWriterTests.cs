using System.Text;
using Vinted.Api.Parsing;
using Vinted.RawZone;
using Vinted.Warehouse.Staging;

namespace Vinted.Warehouse.Tests;

/// <summary>
/// Issue 21: a page is prepared for the COPY in one go (parse, slices, checks, promoted count) off the COPY's thread.
/// The promoted count no longer parses the page a third time; it must still be the count the page inspection gives.
/// </summary>
public sealed class ObservationWriterTests
{
    private static readonly StoredPage Page =
        new("k", new PageAddress("pt", "catalog", new DateOnly(2026, 10, 1), "run", "s", 1), "", 0, 3, 200, "https://x/api/v2/catalog/items?page=1", DateTimeOffset.UnixEpoch, null);

    private const string Pagination = "\"pagination\":{\"current_page\":1,\"total_pages\":1,\"total_entries\":3,\"per_page\":96}";

    private static string WithPagination(string items) => "{" + Pagination + ",\"items\":[" + items + "]}";

    public static TheoryData<string> Bodies => new()
    {
        // Every item parsed: the parser's own flags give the count.
        WithPagination("""
            {"id":1,"price":"2.50","currency":"EUR","content_source":"promoted_closet"},
            {"id":2,"price":"3.00","currency":"EUR","content_source":"search"},
            {"id":3,"price":"4.00","currency":"EUR","content_source":"PROMOTED"}
            """),
        // No pagination: still an items array.
        """{"items":[{"id":1,"price":"2.50","currency":"EUR","content_source":"promoted"}]}""",
        // An item the parser rejects (no id) that is promoted still counts: the page is inspected again.
        WithPagination("""{"price":"2.50","content_source":"promoted"},{"id":2,"price":"3.00","currency":"EUR","content_source":"promoted"},7"""),
        // A content_source that is not a string is not promoted.
        WithPagination("""{"id":1,"price":"2.50","currency":"EUR","content_source":{"x":"promoted"}}"""),
        // The single-item envelope and a body without items: no promoted cards.
        """{"item":{"id":1,"price":"2.50","currency":"EUR","content_source":"promoted"}}""",
        """{"error":"nope"}""",
        // A body cut short.
        """{"items":[{"id":1,"price":"2.50","currency":"EUR","content_source":"promoted"},{"id":2,"pri""",
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Prepare_AnyBody_CountsPromotedCardsAsTheInspectionDoes(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);

        var prepared = ObservationWriter.Prepare(Page, body);

        Assert.Equal(VintedPageParser.Inspect(body).PromotedCount, prepared.Load.Promoted);
    }

    [Fact]
    public void Prepare_MixedPage_RowsForTheLoadableItemsAndTheRestRejectedWithReasons()
    {
        var json = WithPagination("""
            {"id":1,"price":"2.50","currency":"EUR","content_source":"promoted"},{"id":2,"price":"0","currency":"EUR"},
            {"id":3,"price":"4.00","currency":"EUR","title":"a\u0000b"},{"id":4,"price":"5.00","currency":"EUR"}
            """);
        var body = Encoding.UTF8.GetBytes(json);

        var prepared = ObservationWriter.Prepare(Page, body);

        Assert.Equal([(0, 1L), (3, 4L)], prepared.Rows.Select(r => (r.Index, r.Item.Id)));
        Assert.Equal([(1, "price not positive: 0"), (2, "text holds a NUL character")], prepared.Load.Rejects.Select(r => (r.ItemIndex, r.Reason)));
        Assert.Equal((2, 4, 3L, 1), (prepared.Load.Rows, prepared.Load.Items, prepared.Load.TotalEntries, prepared.Load.Promoted));
    }

    [Theory]
    [InlineData("{\"id\":1,\"title\":\"plain, é and 🙂\"}", null)]
    [InlineData("{\"id\":1,\"title\":\"a \\\"quoted\\\" \\u00e9\"}", null)]
    [InlineData("{\"id\":1,\"title\":\"a\\u0000b\"}", "text holds a NUL character")]
    [InlineData("{\"id\":1,\"title\":\"a\\ud800b\"}", "text holds a lone surrogate")]
    public void ItemText_EscapesAreCheckedWhetherOrNotTheItemHasAny(string item, string? problem) =>
        Assert.Equal(problem, ItemText.Problem(Encoding.UTF8.GetBytes(item)));

    [Fact]
    public void ItemText_RawNulOrInvalidUtf8_IsAProblemThoughNoEscapeSpellsIt()
    {
        // A raw NUL byte is valid UTF-8 but not JSON text: the check must not take "no backslash" for "nothing to store wrong".
        Assert.NotNull(ItemText.Problem("{\"title\":\"a\0b\"}"u8));
        Assert.Equal("text is not valid UTF-8", ItemText.Problem([(byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)'}']));
    }
}
