using System.Collections.Concurrent;
using Vinted.Api.Models;

namespace Vinted.Simulator.Market;

/// <summary>The reachable results of one search at one instant.</summary>
internal sealed record SearchResult(long[] Indices, long TotalEntries, long Instant);

/// <summary>
/// The simulated marketplace: one lazily generated listing set per country domain. Memory does not grow with
/// the number of listings: a search scans indices (allocating nothing per listing), keeps at most
/// <see cref="SimulatorOptions.MaxReachableResults"/> of them, and the last results are cached per search and instant.
/// </summary>
public sealed class Marketplace
{
    private const int CacheLimit = 256;
    private readonly ListingGenerator[] _generators;
    private readonly ConcurrentDictionary<string, Lazy<SearchResult>> _cache = new(StringComparer.Ordinal);

    public Marketplace(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _generators = [.. DomainProfile.All.Select(d => new ListingGenerator(options.Seed, d, options.Listings, options.MarketStart, options.MarketDays, options.SoldFraction))];
    }

    public SimulatorOptions Options { get; }

    /// <summary>The domain keys served (<c>pt</c>, <c>fr</c>, ..., <c>uk</c>, <c>us</c>).</summary>
    public static IReadOnlyList<string> Domains { get; } = [.. DomainProfile.All.Select(d => d.Key)];

    /// <summary>
    /// The instant a simulated date is observed at: the last second of that day (UTC). Everything listed on or
    /// before the date is visible unless it sold by then.
    /// </summary>
    public static long SnapshotOf(DateOnly date) =>
        new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds() - 1;

    /// <summary>
    /// Exactly the listings the API serves for <paramref name="search"/> on <paramref name="date"/> across all
    /// reachable pages, in page order, with their facts as of that date (sold date included, also when in the future).
    /// </summary>
    public GroundTruthResult GroundTruth(DateOnly date, VintedSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        search.EnsureValid();
        var generator = Generator(search.Domain);
        var result = Search(generator, SimQuery.From(search), SnapshotOf(date));
        return new GroundTruthResult(date, search.Domain, search.Key, result.TotalEntries,
            [.. result.Indices.Select(i => Describe(generator, generator.Get(i), result.Instant))]);
    }

    /// <summary>
    /// What happened between two dates to what <paramref name="search"/> serves: listings that sold, listings still for
    /// sale that newer ones pushed out of the reachable results, listings listed in between, and price drops.
    /// </summary>
    public SearchChanges Changes(DateOnly from, DateOnly to, VintedSearch search)
    {
        var before = GroundTruth(from, search);
        var after = GroundTruth(to, search);
        var now = after.Listings.ToDictionary(l => l.Id);
        var snapshot = DateTimeOffset.FromUnixTimeSeconds(SnapshotOf(to));
        var gone = before.Listings.Where(l => !now.ContainsKey(l.Id)).ToList();
        var earlier = DateTimeOffset.FromUnixTimeSeconds(SnapshotOf(from));
        return new SearchChanges(
            from,
            to,
            search.Domain,
            search.Key,
            [.. gone.Where(l => l.SoldAt <= snapshot).Select(l => l.Id)],
            [.. gone.Where(l => l.SoldAt is null || l.SoldAt > snapshot).Select(l => l.Id)],
            [.. after.Listings.Where(l => l.ListedAt > earlier).Select(l => l.Id)],
            [.. before.Listings.Where(l => now.TryGetValue(l.Id, out var later) && later.Price < l.Price).Select(l => l.Id)]);
    }

    /// <summary>One listing by id as of <paramref name="date"/>, visible or not; null when the id was never generated.</summary>
    public GroundTruthListing? Listing(string domain, long id, DateOnly date)
    {
        var generator = Generator(domain);
        return generator.IndexOf(id) is { } index ? Describe(generator, generator.Get(index), SnapshotOf(date)) : null;
    }

    /// <summary>
    /// How listing <paramref name="id"/> of <paramref name="domain"/> leaves the market when it does (at its
    /// <see cref="GroundTruthListing.SoldAt"/>): sold or withdrawn, and whether its item page then says so. Null for an unknown id.
    /// </summary>
    public ListingExit? ExitOf(string domain, long id)
    {
        if (Generator(domain).IndexOf(id) is null)
        {
            return null;
        }

        // Hashes of their own: which listings leave, and when, is unchanged by the split.
        return new ListingExit(
            Hash.Unit(Hash.Of((ulong)Options.Seed, id, 95)) < Options.WithdrawnFraction,
            Hash.Unit(Hash.Of((ulong)Options.Seed, id, 96)) < Options.UnclearPageFraction);
    }

    internal ListingGenerator Generator(string domain) =>
        DomainProfile.Find(domain) is { } profile ? _generators[profile.Index] : throw new ArgumentException($"Unknown simulated domain '{domain}'.", nameof(domain));

    internal SearchResult Search(ListingGenerator generator, SimQuery query, long instant)
    {
        if (query.Time is { } time && time < instant)
        {
            instant = time;
        }

        var key = $"{generator.Domain.Key}|{instant}|{query.CacheKey()}";
        if (_cache.Count > CacheLimit)
        {
            _cache.Clear();
        }

        // Lazy: concurrent requests for the pages of one new search share a single scan.
        return _cache.GetOrAdd(key, _ => new Lazy<SearchResult>(() => Execute(new CompiledQuery(query, generator), instant))).Value;
    }

    private SearchResult Execute(CompiledQuery query, long instant)
    {
        var generator = query.Generator;
        var cap = Options.MaxReachableResults;
        var last = generator.LastListedAtOrBefore(instant);
        long total = 0;
        if (query.Query.Order == SimOrder.NewestFirst)
        {
            var kept = new List<long>(Math.Min(cap, 1024));
            for (var i = last; i >= 0; i--)
            {
                var listing = generator.Get(i);
                if (query.Matches(listing, instant))
                {
                    total++;
                    if (kept.Count < cap)
                    {
                        kept.Add(i);
                    }
                }
            }

            return new SearchResult([.. kept], total, instant);
        }

        // Other orders keep the best `cap` in a heap whose root is the worst kept, so memory stays O(cap).
        var heap = new PriorityQueue<long, (long Primary, long Secondary)>(cap + 1, WorstFirst.Instance);
        var rounding = generator.Domain.RoundingCents;
        for (var i = last; i >= 0; i--)
        {
            var listing = generator.Get(i);
            if (!query.Matches(listing, instant))
            {
                continue;
            }

            total++;
            var sortKey = query.Query.Order switch
            {
                SimOrder.PriceLowToHigh => (listing.PriceCentsAt(instant, rounding), -i),
                SimOrder.PriceHighToLow => (-listing.PriceCentsAt(instant, rounding), -i),
                _ => ((long)(generator.RelevanceKey(i, query.QueryHash) >> 1), -i),
            };
            if (heap.Count < cap)
            {
                heap.Enqueue(i, sortKey);
            }
            else if (heap.TryPeek(out _, out var worst) && Compare(sortKey, worst) < 0)
            {
                heap.EnqueueDequeue(i, sortKey);
            }
        }

        var ordered = new long[heap.Count];
        for (var n = ordered.Length - 1; n >= 0; n--)
        {
            ordered[n] = heap.Dequeue();
        }

        return new SearchResult(ordered, total, instant);
    }

    private static int Compare((long Primary, long Secondary) a, (long Primary, long Secondary) b) =>
        a.Primary != b.Primary ? a.Primary.CompareTo(b.Primary) : a.Secondary.CompareTo(b.Secondary);

    internal static GroundTruthListing Describe(ListingGenerator generator, in Listing listing, long instant)
    {
        var domain = generator.Domain;
        var catalog = Vocabulary.Catalogs[listing.Catalog];
        var sizes = Vocabulary.Sizes[(int)catalog.Sizes];
        var photoId = generator.PhotoId(listing);
        return new GroundTruthListing
        {
            Id = listing.Id,
            Title = generator.Title(listing),
            Price = listing.PriceCentsAt(instant, domain.RoundingCents) / 100m,
            Currency = domain.Currency,
            BrandId = listing.Brand < 0 ? null : Vocabulary.Brands[listing.Brand].Id,
            BrandTitle = listing.Brand < 0 ? null : Vocabulary.Brands[listing.Brand].Title,
            SizeId = listing.Size < 0 ? null : sizes[listing.Size].Id,
            SizeTitle = listing.Size < 0 ? null : sizes[listing.Size].Title,
            StatusId = Vocabulary.StatusIds[listing.Status],
            Status = Vocabulary.Statuses[domain.Language][listing.Status],
            CatalogId = catalog.Id,
            ColorId = Vocabulary.ColorIds[listing.Color],
            MaterialId = Vocabulary.MaterialIds[listing.Material],
            SellerId = generator.SellerId(listing.Seller),
            SellerLogin = generator.SellerLogin(listing.Seller),
            CountryId = domain.CountryId,
            CityId = domain.CityId(generator.SellerCity(listing.Seller)),
            IsForSwap = listing.IsForSwap,
            ListedAt = DateTimeOffset.FromUnixTimeSeconds(listing.ListedAt),
            SoldAt = listing.SoldAt == Market.Listing.NoTime ? null : DateTimeOffset.FromUnixTimeSeconds(listing.SoldAt),
            IsVisible = listing.IsVisibleAt(instant),
            FavouriteCount = listing.FavouritesAt(instant),
            PhotoId = listing.HasPhoto ? photoId : null,
            PhotoUrl = listing.HasPhoto ? $"https://images1.vinted.net/t/{photoId}/f800/{listing.ListedAt}.jpeg" : null,
            Url = $"{domain.SiteUrl}/items/{listing.Id}-{generator.Slug(listing)}",
        };
    }

    private sealed class WorstFirst : IComparer<(long Primary, long Secondary)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((long Primary, long Secondary) x, (long Primary, long Secondary) y) => Marketplace.Compare(y, x);
    }
}
