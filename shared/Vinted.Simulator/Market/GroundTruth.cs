namespace Vinted.Simulator.Market;

/// <summary>A listing as the simulator knows it on one date: what the API shows and what it hides (sold date).</summary>
public sealed record GroundTruthListing
{
    public required long Id { get; init; }

    public required string Title { get; init; }

    /// <summary>The price on the date, in <see cref="Currency"/>; the API may show it in either JSON form.</summary>
    public required decimal Price { get; init; }

    public required string Currency { get; init; }

    public long? BrandId { get; init; }

    public string? BrandTitle { get; init; }

    public long? SizeId { get; init; }

    public string? SizeTitle { get; init; }

    public required long StatusId { get; init; }

    /// <summary>Condition text in the domain's language.</summary>
    public required string Status { get; init; }

    public required long CatalogId { get; init; }

    public required long ColorId { get; init; }

    public required long MaterialId { get; init; }

    public required long SellerId { get; init; }

    public required string SellerLogin { get; init; }

    public required long CountryId { get; init; }

    public required long CityId { get; init; }

    public required bool IsForSwap { get; init; }

    /// <summary>Also the photo's <c>high_resolution.timestamp</c>.</summary>
    public required DateTimeOffset ListedAt { get; init; }

    /// <summary>When it sells (disappears from the API); null if it never does. May be after the date asked.</summary>
    public DateTimeOffset? SoldAt { get; init; }

    public required bool IsVisible { get; init; }

    public required int FavouriteCount { get; init; }

    public long? PhotoId { get; init; }

    public string? PhotoUrl { get; init; }

    public required string Url { get; init; }
}

/// <summary>Everything reachable for one search on one date, in the order the pages list it.</summary>
public sealed record GroundTruthResult(DateOnly Date, string Domain, string SearchKey, long TotalEntries, IReadOnlyList<GroundTruthListing> Listings);

/// <summary>How a listing leaves the market, and what its public item page then shows.</summary>
/// <param name="Withdrawn">The seller deleted it (its page answers 404); otherwise it sold (its page stays up, marked sold).</param>
/// <param name="PageUnclear">Its page after it left says nothing clear (a 200 page without the item's state): a reader must answer "unknown".</param>
public sealed record ListingExit(bool Withdrawn, bool PageUnclear);

/// <summary>
/// What changed in one search's reachable results between two dates, by cause: <see cref="Sold"/> left the market
/// (sold, or withdrawn: see <see cref="Marketplace.ExitOf"/>), <see cref="PushedOut"/> are still for sale but newer listings pushed them past the reachable results,
/// <see cref="Listed"/> were listed after the first date, <see cref="PriceDropped"/> are in both with a lower price.
/// </summary>
public sealed record SearchChanges(
    DateOnly From,
    DateOnly To,
    string Domain,
    string SearchKey,
    IReadOnlyList<long> Sold,
    IReadOnlyList<long> PushedOut,
    IReadOnlyList<long> Listed,
    IReadOnlyList<long> PriceDropped);
