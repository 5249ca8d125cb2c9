using Npgsql;
using NpgsqlTypes;
using Vinted.Api.Models;
using Vinted.Api.Parsing;
using Vinted.RawZone;

namespace Vinted.Warehouse.Staging;

/// <summary>An item of a loadable page that is not loaded, why, and its bytes as stored.</summary>
internal sealed record ItemReject(StoredPage Page, int ItemIndex, string Reason, byte[] Raw);

/// <summary>What one page contributed: rows written, items rejected, and what it says of its search's extent.</summary>
/// <param name="Items">Elements of the page's <c>items</c> array.</param>
/// <param name="TotalEntries">The page's <c>pagination.total_entries</c>; null without pagination.</param>
/// <param name="Promoted">Items that are promoted cards (adverts), not results of the search.</param>
internal sealed record PageLoad(StoredPage Page, int Rows, int Items, long? TotalEntries, IReadOnlyList<ItemReject> Rejects, int Promoted = 0);

/// <summary>An item of a page that becomes a staging row: its element index, what the parser read, and its catalog.</summary>
internal readonly record struct StagedItem(int Index, ParsedItem Item, long? CatalogId, string? CatalogSource);

/// <summary>
/// A raw page made ready for the COPY: every check and every pass over its JSON done (on any thread), so that the one
/// COPY stream only writes values. <see cref="Load"/> is what the page contributes to the run's counts. It holds
/// nothing of the body: the item's bytes stay in the raw zone, where the row's S3 key and item index find them.
/// </summary>
internal sealed record PreparedPage(IReadOnlyList<StagedItem> Rows, PageLoad Load);

/// <summary>Prepares raw pages (<see cref="Prepare"/>, CPU only, any thread) and writes their items as staging rows into an open binary COPY (<see cref="Write"/>).</summary>
internal static class ObservationWriter
{
    /// <summary>The COPY column list, in the order <see cref="Write"/> writes values.</summary>
    public const string Columns =
        "run_id, observed_date, domain, endpoint, search_key, s3_key, page, item_index, fetched_at, item_id, title, price, currency, " +
        "total_item_price, service_fee, brand_id, brand_title, size_id, size_title, condition_id, condition_title, catalog_id, " +
        "catalog_source, seller_id, seller_login, seller_business, photo_id, photo_url, listed_at, is_visible, favourite_count, " +
        "view_count, url, attribute_source, promoted";

    /// <summary>
    /// Parses the page and decides each item: a row, or a reject with its reason. Everything that reads the JSON is
    /// here, apart from the write, so that pages are prepared on every core while one COPY writes (issue 21).
    /// </summary>
    public static PreparedPage Prepare(StoredPage page, ReadOnlyMemory<byte> body)
    {
        var parsed = VintedPageParser.Parse(body);
        var slices = parsed.ElementRanges ?? ItemSlices.Find(body.Span);
        var problems = parsed.ItemProblems.ToDictionary(p => p.Index, p => p.Message);
        var rejects = new List<ItemReject>();
        var rows = new List<StagedItem>(slices.Count);
        var searchCatalog = SearchFilters.SingleCatalogId(page.RequestUrl);
        var next = 0;
        for (var index = 0; index < slices.Count; index++)
        {
            var (start, length) = slices[index];
            var slice = body.Span.Slice(start, length);
            if (problems.TryGetValue(index, out var problem))
            {
                rejects.Add(new ItemReject(page, index, problem, slice.ToArray()));
                continue;
            }

            if (next >= parsed.Items.Count)
            {
                rejects.Add(new ItemReject(page, index, "the parser returned no item for this element", slice.ToArray()));
                continue;
            }

            var item = parsed.Items[next++];
            if ((ItemText.Problem(slice) ?? PriceProblem(item)) is { } reason)
            {
                rejects.Add(new ItemReject(page, index, reason, slice.ToArray()));
                continue;
            }

            var catalogId = item.CatalogId ?? searchCatalog;
            var catalogSource = item.CatalogId is not null ? "item" : searchCatalog is not null ? "search" : null;
            rows.Add(new StagedItem(index, item, catalogId, catalogSource));
        }

        var load = new PageLoad(page, rows.Count, slices.Count, parsed.Pagination?.TotalEntries, rejects, PromotedCount(body, parsed, slices.Count));
        return new PreparedPage(rows, load);
    }

    /// <summary>Writes the prepared page's rows into the open COPY; synchronous, for the one thread that owns the COPY.</summary>
    public static void Write(NpgsqlBinaryImporter importer, string runId, DateOnly date, PreparedPage prepared)
    {
        var page = prepared.Load.Page;
        var address = page.Address;
        foreach (var (index, item, catalogId, catalogSource) in prepared.Rows)
        {
            importer.StartRow();
            importer.Write(runId, NpgsqlDbType.Text);
            importer.Write(date, NpgsqlDbType.Date);
            importer.Write(address.Domain, NpgsqlDbType.Text);
            importer.Write(address.Endpoint, NpgsqlDbType.Text);
            importer.Write(address.SearchKey, NpgsqlDbType.Text);
            importer.Write(page.Key, NpgsqlDbType.Text);
            importer.Write(address.Page, NpgsqlDbType.Integer);
            importer.Write(index, NpgsqlDbType.Integer);
            importer.Write(page.FetchedAt, NpgsqlDbType.TimestampTz);
            importer.Write(item.Id, NpgsqlDbType.Bigint);
            Write(importer, item.Title, NpgsqlDbType.Text);
            Write(importer, item.Price, NpgsqlDbType.Numeric);
            Write(importer, item.Currency, NpgsqlDbType.Text);
            Write(importer, item.TotalItemPrice, NpgsqlDbType.Numeric);
            Write(importer, item.ServiceFee, NpgsqlDbType.Numeric);
            Write(importer, item.BrandId, NpgsqlDbType.Bigint);
            Write(importer, item.BrandTitle, NpgsqlDbType.Text);
            Write(importer, item.SizeId, NpgsqlDbType.Bigint);
            Write(importer, item.SizeTitle, NpgsqlDbType.Text);
            Write(importer, item.StatusId, NpgsqlDbType.Bigint);
            Write(importer, item.Status, NpgsqlDbType.Text);
            Write(importer, catalogId, NpgsqlDbType.Bigint);
            Write(importer, catalogSource, NpgsqlDbType.Text);
            Write(importer, item.User?.Id, NpgsqlDbType.Bigint);
            Write(importer, item.User?.Login, NpgsqlDbType.Text);
            Write(importer, item.User?.Business, NpgsqlDbType.Boolean);
            Write(importer, item.Photo?.Id, NpgsqlDbType.Bigint);
            Write(importer, item.Photo?.Url, NpgsqlDbType.Text);
            // photo.high_resolution.timestamp, else created_at_ts (seller pages): the parser's ListedAt.
            Write(importer, item.ListedAt, NpgsqlDbType.TimestampTz);
            Write(importer, item.IsVisible, NpgsqlDbType.Boolean);
            Write(importer, item.FavouriteCount, NpgsqlDbType.Integer);
            Write(importer, item.ViewCount, NpgsqlDbType.Integer);
            Write(importer, item.Url, NpgsqlDbType.Text);
            Write(importer, SourceName(item.AttributeSource), NpgsqlDbType.Text);
            importer.Write(item.IsPromoted, NpgsqlDbType.Boolean);
        }
    }

    /// <summary>
    /// Promoted cards of the page as the API sent it, rejected or not: none of them is a result of the search. When the
    /// parser read every element of <c>items</c> its own flags give the count (the same rule on the same property);
    /// otherwise (an item problem, the single-item envelope, a broken body) the page is inspected again, which is rare.
    /// </summary>
    private static int PromotedCount(ReadOnlyMemory<byte> body, ParsedPage parsed, int elements) =>
        parsed.ItemProblems.Count == 0 && parsed.Items.Count == elements && parsed.ProblemKind is PageProblemKind.None or PageProblemKind.MissingPagination
            ? parsed.Items.Count(i => i.IsPromoted)
            : VintedPageParser.Inspect(body).PromotedCount;

    /// <summary>The staging spelling of an <see cref="AttributeSource"/>; null when the item carried none of the three.</summary>
    private static string? SourceName(AttributeSource source) => source switch
    {
        AttributeSource.Flat => "flat",
        AttributeSource.Card => "card",
        AttributeSource.Mixed => "mixed",
        _ => null,
    };

    /// <summary>Price history needs a positive price on every row: an item without one is rejected, not guessed.</summary>
    private static string? PriceProblem(ParsedItem item) => item.Price switch
    {
        null => "price missing",
        <= 0 => $"price not positive: {item.Price.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        _ => null,
    };

    private static void Write<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type)
        where T : class
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, type);
        }
    }

    private static void Write<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type)
        where T : struct
    {
        if (value is { } v)
        {
            importer.Write(v, type);
        }
        else
        {
            importer.WriteNull();
        }
    }
}
