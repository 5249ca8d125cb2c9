namespace Vinted.Api.Models;

/// <summary>
/// One public item page as the site answered it: a 200 page, or a 404/410 (the listing is gone from the site), with the
/// body exactly as received so the raw zone can store it. Any other status is an exception, not a page.
/// </summary>
public sealed record FetchedItemPage
{
    public required string Domain { get; init; }

    public required long ItemId { get; init; }

    /// <summary>The request URI; it carries no secret.</summary>
    public required Uri RequestUri { get; init; }

    public required int StatusCode { get; init; }

    public string? ContentType { get; init; }

    public required DateTimeOffset FetchedAt { get; init; }

    public required byte[] Body { get; init; }
}
