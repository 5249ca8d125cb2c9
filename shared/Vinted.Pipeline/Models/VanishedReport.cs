namespace Vinted.Pipeline.Models;

/// <summary>
/// What the day's item page lookups did (<see cref="LookedUp"/> fetched, <see cref="Reused"/> read back from an earlier
/// execution, <see cref="Failed"/> blocked or in error, <see cref="NotSampled"/> above the per-domain cap) and the mart's
/// split of the day's <see cref="Vanished"/> listings: <see cref="Sold"/> + <see cref="Withdrawn"/> + <see cref="Unknown"/>.
/// </summary>
public sealed record VanishedReport(long Vanished, int LookedUp, int Reused, int Failed, long NotSampled, long Sold, long Withdrawn, long Unknown)
{
    /// <summary>Why some lookups did not happen or the split is not in the mart (a block, a failed step); the run went on.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
