namespace Vinted.Warehouse.Staging;

/// <summary>What <see cref="StagingLoader.LoadAsync"/> loaded for a run.</summary>
/// <param name="Pages">Pages in the manifest.</param>
/// <param name="QuarantinedPages">Manifest pages with a problem: not loaded.</param>
/// <param name="Rows">Staging rows (item observations) written.</param>
/// <param name="ItemProblems">Items the parser could not read (e.g. no numeric id): not loaded.</param>
public sealed record StageResult(string RunId, DateOnly Date, int Pages, int QuarantinedPages, long Rows, int ItemProblems, TimeSpan Elapsed);
