namespace Vinted.Monitoring.Insights;

/// <summary>Median price and its p25-p75 band per day, in one currency.</summary>
public sealed record PriceTrend(string Currency, DateOnly From, DateOnly To, IReadOnlyList<PricePoint> Points);

public sealed record PricePoint(DateOnly Date, long Listings, decimal? P25, decimal? Median, decimal? P75);

/// <summary>A histogram of asking prices, each listing once, in one currency.</summary>
public sealed record PriceDistribution(string Currency, DateOnly From, DateOnly To, long Listings, IReadOnlyList<PriceBin> Bins);

/// <summary>Prices from <see cref="Lower"/> (inclusive) to <see cref="Upper"/>; the last bin also holds the tail above it.</summary>
public sealed record PriceBin(double Lower, double Upper, long Listings);

/// <summary>
/// Listings seen, new, vanished (left a complete search) and out of view (left a truncated one) per day; vanished split by
/// what the item pages said: sold, withdrawn and unknown (they add up to vanished).
/// </summary>
public sealed record NewVsVanished(string? Currency, DateOnly From, DateOnly To, IReadOnlyList<DayFlow> Days);

public sealed record DayFlow(DateOnly Date, long Listings, long New, long Vanished, long OutOfView, long Sold, long Withdrawn, long Unknown);

/// <summary>
/// Days from first sighting (and from Vinted's listing time, when known) to selling, over the <see cref="Sold"/> listings
/// only (their item page said sold); <see cref="Vanished"/> counts every listing that vanished in the range.
/// </summary>
public sealed record TimeToSell(
    string? Currency, DateOnly From, DateOnly To, long Vanished, double? MedianDays, IReadOnlyList<DayCount> FromFirstSeen, IReadOnlyList<DayCount> FromListed)
{
    public long Sold => FromFirstSeen.Sum(d => d.Listings);
}

public sealed record DayCount(int Days, long Listings);

/// <summary>The brands with the most listings and their median price, in one currency.</summary>
public sealed record TopBrands(string Currency, DateOnly From, DateOnly To, IReadOnlyList<BrandRank> Brands);

public sealed record BrandRank(string Brand, long Listings, decimal? MedianPrice);

/// <summary>What the filters of the insight page can offer.</summary>
public sealed record InsightFilters(
    DateOnly? FirstDate, DateOnly? LastDate, IReadOnlyList<DomainOption> Domains, IReadOnlyList<string> Currencies, IReadOnlyList<NamedCount> Brands, IReadOnlyList<CatalogOption> Catalogs);

public sealed record DomainOption(string Domain, string Currency, long Listings);

public sealed record NamedCount(string Name, long Listings);

public sealed record CatalogOption(long Id, long Listings);
