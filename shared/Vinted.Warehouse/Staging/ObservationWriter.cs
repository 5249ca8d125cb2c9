using Npgsql;
using NpgsqlTypes;
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

/// <summary>A raw page parsed: its items as the parser read them and where each element of its <c>items</c> array lies in the body.</summary>
internal sealed record ParsedBody(byte[] Body, ParsedPage Parsed, IReadOnlyList<(int Start, int Length)> Slices);

/// <summary>Parses raw pages (<see cref="Parse"/>, CPU only, any thread) and writes their items as staging rows into an open binary COPY.</summary>
internal static class ObservationWriter
{
    /// <summary>The COPY column list, in the order <see cref="WritePageAsync"/> writes values.</summary>
    public const string Columns =
        "run_id, observed_date, domain, endpoint, search_key, s3_key, page, item_index, fetched_at, item_id, title, price, currency, " +
        "total_item_price, service_fee, brand_id, brand_title, size_id, size_title, condition_id, condition_title, catalog_id, " +
        "catalog_source, seller_id, seller_login, seller_business, photo_id, photo_url, listed_at, is_visible, favourite_count, " +
        "view_count, url, raw, attribute_source, promoted";

    /// <summary>The parse of a page's body, apart from the write so that pages parse on every core while one COPY writes.</summary>
    public static ParsedBody Parse(byte[] body) => new(body, VintedPageParser.Parse(body), ItemSlices.Find(body));

    /// <summary>Writes the page's loadable items; the others are returned as rejects with their reason.</summary>
    public static async Task<PageLoad> WritePageAsync(
        NpgsqlBinaryImporter importer, string runId, DateOnly date, StoredPage page, ParsedBody parsedBody, CancellationToken cancellationToken)
    {
        var (body, parsed, slices) = parsedBody;
        var problems = parsed.ItemProblems.ToDictionary(p => p.Index, p => p.Message);
        var rejects = new List<ItemReject>();
        var searchCatalog = SearchFilters.SingleCatalogId(page.RequestUrl);
        var address = page.Address;
        var next = 0;
        var rows = 0;
        for (var index = 0; index < slices.Count; index++)
        {
            var (start, length) = slices[index];
            var slice = new ReadOnlyMemory<byte>(body, start, length);
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
            if ((ItemText.Problem(slice.Span) ?? PriceProblem(item)) is { } reason)
            {
                rejects.Add(new ItemReject(page, index, reason, slice.ToArray()));
                continue;
            }

            rows++;
            var catalogId = item.CatalogId ?? searchCatalog;
            var catalogSource = item.CatalogId is not null ? "item" : searchCatalog is not null ? "search" : null;

            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(runId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(date, NpgsqlDbType.Date, cancellationToken);
            await importer.WriteAsync(address.Domain, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(address.Endpoint, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(address.SearchKey, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(page.Key, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(address.Page, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(index, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(page.FetchedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(item.Id, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(importer, item.Title, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, item.Price, NpgsqlDbType.Numeric, cancellationToken);
            await WriteAsync(importer, item.Currency, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, item.TotalItemPrice, NpgsqlDbType.Numeric, cancellationToken);
            await WriteAsync(importer, item.ServiceFee, NpgsqlDbType.Numeric, cancellationToken);
            await WriteAsync(importer, item.BrandId, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(importer, item.BrandTitle, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, item.SizeId, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(importer, item.SizeTitle, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, item.StatusId, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(importer, item.Status, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, catalogId, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(importer, catalogSource, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, item.User?.Id, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(importer, item.User?.Login, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, item.User?.Business, NpgsqlDbType.Boolean, cancellationToken);
            await WriteAsync(importer, item.Photo?.Id, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(importer, item.Photo?.Url, NpgsqlDbType.Text, cancellationToken);
            // photo.high_resolution.timestamp, else created_at_ts (seller pages): the parser's ListedAt.
            await WriteAsync(importer, item.ListedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteAsync(importer, item.IsVisible, NpgsqlDbType.Boolean, cancellationToken);
            await WriteAsync(importer, item.FavouriteCount, NpgsqlDbType.Integer, cancellationToken);
            await WriteAsync(importer, item.ViewCount, NpgsqlDbType.Integer, cancellationToken);
            await WriteAsync(importer, item.Url, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(slice, NpgsqlDbType.Jsonb, cancellationToken);
            await WriteAsync(importer, SourceName(item.AttributeSource), NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(item.IsPromoted, NpgsqlDbType.Boolean, cancellationToken);
        }

        // Promoted cards of the page as the API sent it, rejected or not: none of them is a result of the search.
        var promoted = VintedPageParser.Inspect(body).PromotedCount;
        return new PageLoad(page, rows, slices.Count, parsed.Pagination?.TotalEntries, rejects, promoted);
    }

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

    private static Task WriteAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : class =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);

    private static Task WriteAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } v ? importer.WriteAsync(v, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);
}
