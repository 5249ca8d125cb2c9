namespace Vinted.Warehouse.Mart;

/// <summary>What <see cref="MartBuilder.BuildAsync"/> rebuilt: the run's date, and any day a late normalization left stale.</summary>
public sealed record MartResult(string RunId, DateOnly Date, long FactRows, long VanishedRows, long AggregateRows, TimeSpan Elapsed)
{
    /// <summary>Listings of the date that left a truncated scope: out of view, counted apart from vanished ones.</summary>
    public long OutOfViewRows { get; init; }

    /// <summary>Other days rebuilt because a date before them was normalized again or late.</summary>
    public IReadOnlyList<DateOnly> RebuiltDays { get; init; } = [];
}
