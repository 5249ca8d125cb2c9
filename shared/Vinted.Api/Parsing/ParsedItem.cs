namespace Vinted.Api.Parsing;

/// <summary>A seller as an item embeds it.</summary>
public sealed record ParsedUser(long? Id, string? Login, bool? Business);

/// <summary>The main photo of an item; <see cref="HighResolutionTimestamp"/> is the usual listing time.</summary>
public sealed record ParsedPhoto(long? Id, string? Url, int? Width, int? Height, DateTimeOffset? HighResolutionTimestamp);

/// <summary>
/// One item of a search or seller page, read tolerantly: every field but <see cref="Id"/> may be missing.
/// Amounts are decimals as the API writes them (strings), in <see cref="Currency"/>.
/// </summary>
public sealed record ParsedItem
{
    public required long Id { get; init; }

    public string? Title { get; init; }

    public decimal? Price { get; init; }

    public string? Currency { get; init; }

    public decimal? TotalItemPrice { get; init; }

    public decimal? ServiceFee { get; init; }

    public string? BrandTitle { get; init; }

    public string? SizeTitle { get; init; }

    /// <summary>The condition in the site's language (e.g. "Muito bom").</summary>
    public string? Status { get; init; }

    public long? StatusId { get; init; }

    public long? BrandId { get; init; }

    public long? SizeId { get; init; }

    public long? CatalogId { get; init; }

    public bool? IsVisible { get; init; }

    public int? FavouriteCount { get; init; }

    public int? ViewCount { get; init; }

    public string? Url { get; init; }

    public string? Path { get; init; }

    public ParsedUser? User { get; init; }

    public ParsedPhoto? Photo { get; init; }

    /// <summary>Length of the <c>photos</c> array when the item carries one (seller endpoints).</summary>
    public int? PhotoCount { get; init; }

    /// <summary>From <c>photo.high_resolution.timestamp</c>, else <c>created_at_ts</c>.</summary>
    public DateTimeOffset? ListedAt { get; init; }

    /// <summary>Where <see cref="BrandTitle"/>, <see cref="SizeTitle"/> and <see cref="Status"/> came from: the flat fields, the card (<c>item_box</c>), both, or neither.</summary>
    public AttributeSource AttributeSource { get; init; }

    /// <summary>The card's <c>content_source</c> (<c>search</c> for a result).</summary>
    public string? ContentSource { get; init; }

    /// <summary>An advert placed into the results (<see cref="ContentSource"/> says promoted): it need not match the search.</summary>
    public bool IsPromoted { get; init; }
}

/// <summary>Which fields gave an item's brand, size and condition.</summary>
public enum AttributeSource
{
    /// <summary>The item carried none of the three.</summary>
    None,

    /// <summary>Every value present came from <c>brand_title</c>, <c>size_title</c>, <c>status</c>.</summary>
    Flat,

    /// <summary>Every value present came from the card: <c>item_box.first_line</c> and <c>second_line</c>.</summary>
    Card,

    /// <summary>Some from the flat fields, the others from the card.</summary>
    Mixed,
}

/// <summary>An item the parser skipped, and why (e.g. a non-numeric id).</summary>
public sealed record ItemProblem(int Index, string Message);

/// <summary>The items of one page, with what could not be read.</summary>
public sealed record ParsedPage(
    IReadOnlyList<ParsedItem> Items,
    Models.VintedPagination? Pagination,
    IReadOnlyList<ItemProblem> ItemProblems,
    Models.PageProblemKind ProblemKind,
    string? Problem)
{
    /// <summary>
    /// Where each element of the page's <c>items</c> array lies in the body, (offset, length), in order; null when the
    /// page has no such array or the parser could not tell. Lets a loader keep an element's bytes without reading the
    /// body again.
    /// </summary>
    public IReadOnlyList<(int Start, int Length)>? ElementRanges { get; init; }
}
