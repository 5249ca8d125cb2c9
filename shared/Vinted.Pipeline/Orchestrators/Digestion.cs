using Microsoft.DurableTask;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Retries;
using Vinted.Lake;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Staging;

namespace Vinted.Pipeline.Orchestrators;

/// <summary>What the warehouse made of one run: staging, normalize and mart, and how long each took.</summary>
public sealed record DigestReport(string RunId, DateOnly Date, StageResult Staging, NormalizeResult Normalize, MartResult Mart, Dictionary<string, double> StageSeconds)
{
    /// <summary>The mart days written to the lake as Parquet: the run's day and every day the mart rebuilt with it.</summary>
    public LakeResult? Lake { get; init; }

    /// <summary>The day's vanished listings looked up on their item pages and split (daily runs only; a backfill fetches nothing).</summary>
    public VanishedReport? Vanished { get; init; }
}

/// <summary>
/// The warehouse's three stages for one stored run, in order, each checked before the next reads its output, then the
/// mart days they rebuilt written to the lake: the part
/// of <see cref="DailyPipeline"/> after ingestion, and what <see cref="DigestRun"/> does for one day of a backfill.
/// </summary>
internal static class Digestion
{
    /// <param name="lookUpVanished">Look the day's vanished listings up on their item pages between the mart and the lake (the daily run: Vinted serves only the present).</param>
    public static async Task<DigestReport> RunAsync(
        TaskOrchestrationContext context, WarehouseInput run, RetrySettings retry, Func<string, Task>? onStage = null, bool lookUpVanished = false)
    {
        var stages = new Dictionary<string, double>();
        var staged = await StageAsync<StageResult>(context, stages, PipelineStages.Staging, nameof(LoadStaging), run, retry, onStage);
        var normalized = await StageAsync<NormalizeResult>(context, stages, PipelineStages.Normalize, nameof(Normalize), run, retry, onStage);
        var mart = await StageAsync<MartResult>(context, stages, PipelineStages.Mart, nameof(BuildMart), run, retry, onStage);
        // Before the lake: it then holds the day's split of vanished listings into sold, withdrawn and unknown.
        var vanished = lookUpVanished ? await VanishedLookup.RunAsync(context, stages, run, retry, onStage) : null;
        var lake = await StageAsync<LakeResult>(context, stages, PipelineStages.Lake, nameof(WriteLake), new LakeInput([mart.Date, .. mart.RebuiltDays]), retry, onStage);
        return new DigestReport(run.RunId, run.Date, staged, normalized, mart, stages) { Lake = lake, Vanished = vanished };
    }

    /// <summary>Calls one stage's activity with the run's retry policy and records how long it took under <paramref name="stage"/>.</summary>
    public static async Task<T> StageAsync<T>(
        TaskOrchestrationContext context, Dictionary<string, double> stages, string stage, string activity, object input, RetrySettings retry, Func<string, Task>? onStage)
    {
        if (onStage is not null)
        {
            await onStage(stage);
        }

        var start = context.CurrentUtcDateTime;
        var result = await context.CallActivityAsync<T>(activity, input, ActivityRetry.Options(retry, stage));
        stages[stage] = (context.CurrentUtcDateTime - start).TotalSeconds;
        return result;
    }
}
