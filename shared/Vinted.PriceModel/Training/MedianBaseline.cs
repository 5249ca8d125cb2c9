using Vinted.PriceModel.Features;

namespace Vinted.PriceModel.Training;

/// <summary>
/// The baseline a model must beat: the median asking price of the same brand × catalog × condition over the training
/// window. A combination the window never saw falls back to the catalog's median, then to the overall median.
/// </summary>
public sealed class MedianBaseline
{
    private readonly Dictionary<(string Brand, string Catalog, string Condition), double> _cells;
    private readonly Dictionary<string, double> _catalogs;
    private readonly double _overall;

    public MedianBaseline(IReadOnlyList<FeatureRow> training)
    {
        if (training.Count == 0)
        {
            throw new ArgumentException("The baseline needs training rows.", nameof(training));
        }

        _cells = training.GroupBy(r => (r.Features.Brand, r.Features.Catalog, r.Features.Condition))
            .ToDictionary(g => g.Key, g => Median(g.Select(r => (double)r.Price)));
        _catalogs = training.GroupBy(r => r.Features.Catalog).ToDictionary(g => g.Key, g => Median(g.Select(r => (double)r.Price)), StringComparer.Ordinal);
        _overall = Median(training.Select(r => (double)r.Price));
    }

    public double Estimate(ListingFeatures features) =>
        _cells.TryGetValue((features.Brand, features.Catalog, features.Condition), out var cell) ? cell
        : _catalogs.TryGetValue(features.Catalog, out var catalog) ? catalog
        : _overall;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
