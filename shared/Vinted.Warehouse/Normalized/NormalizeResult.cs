namespace Vinted.Warehouse.Normalized;

/// <summary>What <see cref="Normalizer.NormalizeAsync"/> did for a run.</summary>
/// <param name="Listings">Distinct listings the run observed.</param>
/// <param name="NewListings">Listings seen for the first time.</param>
/// <param name="PriceChanges">Listings whose price changed since their previous observation.</param>
/// <param name="Vanished">Listings that left a complete search scope on the run's date (sold or withdrawn).</param>
public sealed record NormalizeResult(string RunId, DateOnly Date, long Listings, long NewListings, long PriceChanges, long Vanished, TimeSpan Elapsed)
{
    /// <summary>Listings that left only truncated scopes on the run's date: out of view, not known to be sold.</summary>
    public long OutOfView { get; init; }
}
