using Microsoft.DurableTask;
using Vinted.Pipeline.Retries;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;

namespace Vinted.Pipeline.Activities;

/// <summary>A warehouse stage's input: the run and its business date.</summary>
public sealed record WarehouseInput(string RunId, DateOnly Date);

/// <summary>
/// Loads the run's manifest pages into staging (binary COPY, one partition per run: a rerun replaces it).
/// A failed data-quality check is not retried: the same data fails the same way; fix, then rewind.
/// </summary>
public sealed class LoadStaging(StagingLoader loader) : TaskActivity<WarehouseInput, StageResult>
{
    public override Task<StageResult> RunAsync(TaskActivityContext context, WarehouseInput input) =>
        BulkStage.RunAsync(() => QualityGate.RunAsync(() => loader.LoadAsync(input.RunId, input.Date, CancellationToken.None)), compactFirst: true);
}

/// <summary>Upserts the normalized model from the run's staging rows (idempotent per run).</summary>
public sealed class Normalize(Normalizer normalizer) : TaskActivity<WarehouseInput, NormalizeResult>
{
    public override Task<NormalizeResult> RunAsync(TaskActivityContext context, WarehouseInput input) =>
        QualityGate.RunAsync(() => normalizer.NormalizeAsync(input.RunId, CancellationToken.None));
}

/// <summary>Rebuilds the mart for the run's date only (incremental, idempotent per run).</summary>
public sealed class BuildMart(MartBuilder builder) : TaskActivity<WarehouseInput, MartResult>
{
    public override Task<MartResult> RunAsync(TaskActivityContext context, WarehouseInput input) =>
        QualityGate.RunAsync(() => builder.BuildAsync(input.RunId, CancellationToken.None));
}

/// <summary>Reads the run's data-quality results for the report.</summary>
public sealed class ReadQualityResults(QualityResults results) : TaskActivity<WarehouseInput, IReadOnlyList<CheckResult>>
{
    public override Task<IReadOnlyList<CheckResult>> RunAsync(TaskActivityContext context, WarehouseInput input) =>
        results.ReadAsync(input.RunId, CancellationToken.None);
}

/// <summary>Turns a blocking data-quality failure into a failure no retry will attempt.</summary>
internal static class QualityGate
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> stage)
    {
        try
        {
            return await stage();
        }
        catch (DataQualityException e)
        {
            throw new NonRetryableException(e.Message, e);
        }
    }
}
