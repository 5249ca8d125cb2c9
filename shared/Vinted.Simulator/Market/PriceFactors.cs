namespace Vinted.Simulator.Market;

/// <summary>
/// How an asking price is made: the catalog's base price (<see cref="Vocabulary.CatalogEntry.BasePriceEuro"/>) times a
/// factor of the brand, the condition and the size, times noise, times the site's exchange rate. Known factors give a
/// price model something real to learn, and its tests a way to check that it learnt them.
/// </summary>
public static class PriceFactors
{
    /// <summary>Condition factors in <see cref="Vocabulary.StatusIds"/> order: new with tags down to satisfactory.</summary>
    public static IReadOnlyList<double> Condition { get; } = [1.5, 1.3, 1.0, 0.8, 0.6];

    /// <summary>Noise is uniform in [1 - Noise, 1 + Noise].</summary>
    public const double Noise = 0.15;

    /// <summary>A brand's factor, 0.6 to 2.0 (no brand: 0.8); fixed per brand whatever the seed.</summary>
    public static double Brand(int brand) => brand < 0 ? 0.8 : 0.6 + 1.4 * Hash.Unit(Hash.Mix((ulong)brand + 7_919));

    /// <summary>Larger sizes ask a little more: 0.9 for the smallest of a group to 1.1 for the largest.</summary>
    public static double Size(int size, int sizes) => size < 0 || sizes < 2 ? 1.0 : 0.9 + 0.2 * size / (sizes - 1);

    /// <summary>The whole factor; <paramref name="unit"/> is a uniform draw in [0, 1) for the noise.</summary>
    public static double Of(int brand, int status, int size, int sizes, double unit) =>
        Brand(brand) * Condition[status] * Size(size, sizes) * (1 - Noise + 2 * Noise * unit);
}
