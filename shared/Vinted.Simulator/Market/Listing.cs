namespace Vinted.Simulator.Market;

/// <summary>
/// The facts of one listing, computed on demand from (seed, domain, index) and never stored. A value type so that
/// scanning millions of listings allocates nothing. Times are Unix seconds; amounts are cents of the domain currency.
/// </summary>
internal readonly record struct Listing(
    long Index,
    long Id,
    long ListedAt,
    long SoldAt,
    int Catalog,
    int Brand,
    int Size,
    int Status,
    int Color,
    int Material,
    int Seller,
    long BasePriceCents,
    long FirstDropAt,
    long SecondDropAt,
    bool IsForSwap,
    bool HasPhoto,
    int PhotoCount,
    double Popularity)
{
    public const long NoTime = long.MaxValue;

    public bool IsVisibleAt(long instant) => ListedAt <= instant && SoldAt > instant;

    public long PriceCentsAt(long instant, long roundingCents)
    {
        var price = BasePriceCents;
        if (instant >= FirstDropAt)
        {
            price = Round(price * 85 / 100, roundingCents);
        }

        if (instant >= SecondDropAt)
        {
            price = Round(price * 90 / 100, roundingCents);
        }

        return price;
    }

    public int FavouritesAt(long instant) =>
        (int)Math.Min(500, Math.Max(0, (instant - ListedAt) / 86_400.0 * Popularity));

    public static long Round(long cents, long step) => Math.Max(step, (cents + step / 2) / step * step);
}
