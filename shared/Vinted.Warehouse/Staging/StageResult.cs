namespace Vinted.Warehouse.Staging;

/// <summary>What <see cref="StagingLoader.LoadAsync"/> loaded for a run.</summary>
/// <param name="Pages">Pages in the manifest.</param>
/// <param name="QuarantinedPages">Manifest pages with a problem: not loaded.</param>
/// <param name="Rows">Staging rows (item observations) written.</param>
/// <param name="ItemProblems">Items rejected (unreadable id or price, a NUL or lone surrogate in their text): not loaded, kept in <c>staging.item_reject</c> with the reason.</param>
public sealed record StageResult(string RunId, DateOnly Date, int Pages, int QuarantinedPages, long Rows, int ItemProblems, TimeSpan Elapsed);
