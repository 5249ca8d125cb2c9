namespace Vinted.Simulator.Market;

/// <summary>
/// Turns (seed, domain, index) into a <see cref="Listing"/>. Listing times grow with the index (index i is listed
/// at about start + i * gap), so "listed on or before an instant" is an index prefix and newest-first is a
/// descending index scan; everything else is a hash of the index.
/// </summary>
internal sealed class ListingGenerator
{
    private const int SellerStride = 16;
    private readonly ulong _seed;
    private readonly long _start;
    private readonly double _gap;
    private readonly double _soldFraction;

    public ListingGenerator(long seed, DomainProfile domain, long count, DateOnly marketStart, int marketDays, double soldFraction = 0.65)
    {
        _soldFraction = soldFraction;
        Domain = domain;
        Count = count;
        _seed = Hash.Mix((ulong)seed ^ Hash.Mix((ulong)domain.Index + 1));
        _start = new DateTimeOffset(marketStart.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        _gap = marketDays * 86_400.0 / Math.Max(1, count);
        Sellers = (int)Math.Max(10, count / 25);
    }

    public DomainProfile Domain { get; }

    public long Count { get; }

    public int Sellers { get; }

    public long ListedAt(long index) => _start + (long)((index + Hash.Unit(Hash.Of(_seed, index, 1)) * 0.999) * _gap);

    /// <summary>The last index listed at or before <paramref name="instant"/>, or -1.</summary>
    public long LastListedAtOrBefore(long instant)
    {
        var guess = (long)Math.Floor((instant - _start) / _gap);
        guess = Math.Clamp(guess, -1, Count - 1);
        while (guess + 1 < Count && ListedAt(guess + 1) <= instant)
        {
            guess++;
        }

        while (guess >= 0 && ListedAt(guess) > instant)
        {
            guess--;
        }

        return guess;
    }

    public long IdOf(long index) => 5_000_000_000L + index * DomainProfile.All.Length + Domain.Index;

    public long? IndexOf(long id)
    {
        var offset = id - 5_000_000_000L;
        return offset >= 0 && offset % DomainProfile.All.Length == Domain.Index && offset / DomainProfile.All.Length < Count
            ? offset / DomainProfile.All.Length
            : null;
    }

    public long SellerId(int seller) => 30_000_000L + (long)seller * SellerStride + Domain.Index;

    public int? SellerOf(long sellerId)
    {
        var offset = sellerId - 30_000_000L;
        return offset >= 0 && offset % SellerStride == Domain.Index && offset / SellerStride < Sellers ? (int)(offset / SellerStride) : null;
    }

    public string SellerLogin(int seller) =>
        $"{Vocabulary.LoginStems[(int)(Hash.Of(_seed, seller, 40) % (ulong)Vocabulary.LoginStems.Length)]}_{seller}";

    public bool SellerIsBusiness(int seller) => Hash.Unit(Hash.Of(_seed, seller, 41)) < 0.05;

    public int SellerCity(int seller) => (int)(Hash.Of(_seed, seller, 42) % 5);

    public Listing Get(long index)
    {
        var listedAt = ListedAt(index);
        var catalog = (int)(Hash.Of(_seed, index, 2) % (ulong)Vocabulary.Catalogs.Length);
        var entry = Vocabulary.Catalogs[catalog];
        // A few brands take most listings, as on the site.
        var brandRoll = Hash.Unit(Hash.Of(_seed, index, 3));
        var brand = brandRoll < 0.08 ? -1 : (int)(Vocabulary.Brands.Length * ((brandRoll - 0.08) / 0.92) * ((brandRoll - 0.08) / 0.92));
        var sizes = Vocabulary.Sizes[(int)entry.Sizes];
        var size = sizes.Length == 0 ? -1 : (int)(Hash.Of(_seed, index, 4) % (ulong)sizes.Length);
        var statusRoll = Hash.Unit(Hash.Of(_seed, index, 5));
        var status = 0;
        while (statusRoll >= Vocabulary.StatusCumulative[status] && status < Vocabulary.StatusCumulative.Length - 1)
        {
            status++;
        }

        var factor = PriceFactors.Of(brand, status, size, sizes.Length, Hash.Unit(Hash.Of(_seed, index, 6)));
        var basePrice = Listing.Round((long)(entry.BasePriceEuro * 100 * factor * (double)Domain.Rate), Domain.RoundingCents);

        var soldAt = Listing.NoTime;
        if (Hash.Unit(Hash.Of(_seed, index, 7)) < _soldFraction)
        {
            var days = Math.Min(180, 1 + (long)(-Math.Log(1 - Hash.Unit(Hash.Of(_seed, index, 8))) * 20));
            soldAt = listedAt + days * 86_400 + (long)(Hash.Unit(Hash.Of(_seed, index, 9)) * 86_400);
        }

        long firstDrop = Listing.NoTime, secondDrop = Listing.NoTime;
        var dropRoll = Hash.Of(_seed, index, 10);
        if (Hash.Unit(dropRoll) < 0.35)
        {
            // Drops fall at midnight UTC so a daily snapshot sees a clean before and after.
            var day = (listedAt / 86_400 + 2 + (long)(dropRoll % 20)) * 86_400;
            firstDrop = day;
            if ((dropRoll >> 32) % 2 == 0)
            {
                secondDrop = day + (5 + (long)((dropRoll >> 40) % 15)) * 86_400;
            }
        }

        var photoRoll = Hash.Of(_seed, index, 11);
        return new Listing(
            index,
            IdOf(index),
            listedAt,
            soldAt,
            catalog,
            brand,
            size,
            status,
            (int)(Hash.Of(_seed, index, 12) % (ulong)Vocabulary.ColorIds.Length),
            (int)(Hash.Of(_seed, index, 13) % (ulong)Vocabulary.MaterialIds.Length),
            (int)(Hash.Of(_seed, index, 14) % (ulong)Sellers),
            basePrice,
            firstDrop,
            secondDrop,
            Hash.Unit(Hash.Of(_seed, index, 15)) < 0.05,
            Hash.Unit(photoRoll) >= 0.1,
            1 + (int)(photoRoll >> 60) % 8,
            Hash.Unit(Hash.Of(_seed, index, 16)) * 1.5);
    }

    /// <summary>The seed-dependent hash the relevance order sorts by.</summary>
    public ulong RelevanceKey(long index, ulong queryHash) => Hash.Of(_seed ^ queryHash, index, 17);

    public string Title(in Listing listing)
    {
        var noun = Vocabulary.Catalogs[listing.Catalog].Names[Domain.Language];
        var color = Vocabulary.Colors[Domain.Language][listing.Color];
        return listing.Brand < 0 ? $"{noun} {color}" : $"{noun} {Vocabulary.Brands[listing.Brand].Title} {color}";
    }

    public string Slug(in Listing listing)
    {
        var title = Title(listing).ToLowerInvariant();
        var chars = title.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        return string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
    }

    public long PhotoId(in Listing listing) => 20_000_000_000L + listing.Index * DomainProfile.All.Length + Domain.Index;
}
