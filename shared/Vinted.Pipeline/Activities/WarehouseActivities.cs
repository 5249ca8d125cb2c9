using Npgsql;
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
        QualityGate.RunAsync(() => loader.LoadAsync(input.RunId, input.Date, CancellationToken.None));
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
public sealed class ReadQualityResults(NpgsqlDataSource dataSource) : TaskActivity<WarehouseInput, IReadOnlyList<CheckResult>>
{
    public override async Task<IReadOnlyList<CheckResult>> RunAsync(TaskActivityContext context, WarehouseInput input)
    {
        var cancellationToken = CancellationToken.None;
        await using var command = dataSource.CreateCommand(
            """
            select stage, check_name, passed, observed, expected, blocking, details
            from quality.check_result where run_id = @run order by checked_at, stage, check_name
            """);
        command.Parameters.AddWithValue("run", input.RunId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<CheckResult>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new CheckResult(
                reader.GetString(0), reader.GetString(1), reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetDecimal(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                reader.GetBoolean(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return results;
    }
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
