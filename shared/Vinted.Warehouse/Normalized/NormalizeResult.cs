namespace Vinted.Warehouse.Normalized;

/// <summary>What <see cref="Normalizer.NormalizeAsync"/> did for a run.</summary>
/// <param name="Listings">Distinct listings the run observed.</param>
/// <param name="NewListings">Listings seen for the first time.</param>
/// <param name="PriceChanges">Listings whose price changed since their previous observation.</param>
/// <param name="Vanished">Listings that disappeared from their searches on the run's date.</param>
public sealed record NormalizeResult(string RunId, DateOnly Date, long Listings, long NewListings, long PriceChanges, long Vanished, TimeSpan Elapsed);
