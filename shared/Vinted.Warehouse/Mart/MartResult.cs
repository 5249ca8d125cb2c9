namespace Vinted.Warehouse.Mart;

/// <summary>What <see cref="MartBuilder.BuildAsync"/> rebuilt: the run's date only.</summary>
public sealed record MartResult(string RunId, DateOnly Date, long FactRows, long VanishedRows, long AggregateRows, TimeSpan Elapsed);
