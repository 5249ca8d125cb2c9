using Microsoft.DurableTask;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Retries;

namespace Vinted.Pipeline.Orchestrators;

/// <summary>
/// Digests stored days again, one after another in date order (a sub-orchestration per day): each day's run is staged,
/// normalized and its mart rebuilt, and the mart days that depend on a day that changed are rebuilt with it (the mart
/// builder rebuilds every day a late normalization left stale). Days in order make the normalize step take its daily
/// path; whatever the order, the tables come out the same.
/// </summary>
public sealed class Backfill : TaskOrchestrator<BackfillInput, BackfillReport>
{
    public override async Task<BackfillReport> RunAsync(TaskOrchestrationContext context, BackfillInput input)
    {
        var plan = await context.CallActivityAsync<BackfillPlan>(nameof(PlanBackfill), input, ActivityRetry.Options(ActivityRetry.Defaults, PipelineStages.Plan));
        var execution = context.NewGuid();
        var reports = new List<DigestReport>();
        foreach (var day in plan.Days.OrderBy(d => d.Date))
        {
            context.SetCustomStatus(new BackfillProgress(reports.Count, plan.Days.Count, day.Date));
            reports.Add(await context.CallSubOrchestratorAsync<DigestReport>(
                nameof(DigestRun),
                new DigestInput(new WarehouseInput(day.RunId, day.Date), plan.Retry),
                new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}:{execution.ToString("N")[..8]}:day-{day.Date:yyyyMMdd}" }));
        }

        context.SetCustomStatus(new BackfillProgress(reports.Count, plan.Days.Count, null));
        return new BackfillReport(input.From, input.To, reports, plan.DaysWithoutData);
    }
}

/// <summary>One stored run to digest, with the retry policy of the orchestration that asks.</summary>
public sealed record DigestInput(WarehouseInput Run, RetrySettings Retry);

/// <summary>Stages, normalizes and rebuilds the mart of one stored run: a day of a <see cref="Backfill"/>.</summary>
public sealed class DigestRun : TaskOrchestrator<DigestInput, DigestReport>
{
    public override Task<DigestReport> RunAsync(TaskOrchestrationContext context, DigestInput input) =>
        Digestion.RunAsync(context, input.Run, input.Retry);
}
