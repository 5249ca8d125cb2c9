using Microsoft.DurableTask;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Retries;
using Vinted.Warehouse.Vanished;

namespace Vinted.Pipeline.Orchestrators;

/// <summary>
/// Issue 22, after the mart and before the lake: plan the day's vanished listings to look up, look their item pages up
/// in bounded batches (fanned out; each domain's rate limit paces its own), then write the verdicts into the mart so the
/// lake gets the split. Nothing here fails the run: a step that fails after its retries leaves listings unknown and
/// says so in the report's warnings.
/// </summary>
internal static class VanishedLookup
{
    public const string Stage = PipelineStages.Vanished;

    public static async Task<VanishedReport> RunAsync(
        TaskOrchestrationContext context, Dictionary<string, double> stages, WarehouseInput run, RetrySettings retry, Func<string, Task>? onStage)
    {
        if (onStage is not null)
        {
            await onStage(Stage);
        }

        var start = context.CurrentUtcDateTime;
        var warnings = new List<string>();
        VanishedLookupPlan plan;
        try
        {
            plan = await context.CallActivityAsync<VanishedLookupPlan>(nameof(PlanVanishedLookups), run, ActivityRetry.Options(retry, "vanished-plan"));
        }
        catch (TaskFailedException e)
        {
            warnings.Add($"the vanished listings could not be planned for lookup; all stay unknown: {e.FailureDetails.ErrorMessage}");
            plan = new VanishedLookupPlan([], 0, 0);
        }

        var batches = await Task.WhenAll(plan.Batches.Select((batch, i) => LookUpAsync(context, batch, retry, i)));
        warnings.AddRange(batches.Where(b => b.Warning is not null).Select(b => b.Warning!).Distinct(StringComparer.Ordinal));

        VanishedSplit split;
        try
        {
            split = await context.CallActivityAsync<VanishedSplit>(nameof(ApplyVanishedOutcomes), run, ActivityRetry.Options(retry, "vanished-apply"));
        }
        catch (TaskFailedException e)
        {
            // The verdicts are recorded: the next mart build of the day writes them. Until then the mart says unknown.
            warnings.Add($"the outcomes could not be written into the mart; its vanished listings stay unknown until the day is built again: {e.FailureDetails.ErrorMessage}");
            var sold = batches.Sum(b => (long)b.Sold);
            var withdrawn = batches.Sum(b => (long)b.Withdrawn);
            split = new VanishedSplit(plan.Vanished, sold, withdrawn, plan.Vanished - sold - withdrawn);
        }

        stages[Stage] = (context.CurrentUtcDateTime - start).TotalSeconds;
        return new VanishedReport(
            split.Vanished, batches.Sum(b => b.LookedUp), batches.Sum(b => b.Reused), batches.Sum(b => b.Failed), plan.NotSampled,
            split.Sold, split.Withdrawn, split.Unknown)
        {
            Warnings = warnings,
        };
    }

    private static async Task<VanishedBatchResult> LookUpAsync(TaskOrchestrationContext context, VanishedBatch batch, RetrySettings retry, int index)
    {
        try
        {
            return await context.CallActivityAsync<VanishedBatchResult>(nameof(LookUpVanished), batch, ActivityRetry.Options(retry, $"vanished-{index}"));
        }
        catch (TaskFailedException e)
        {
            var count = batch.ItemIds.Count;
            return new VanishedBatchResult(0, 0, 0, 0, count, count,
                $"{count} item page(s) of domain '{batch.Domain}' could not be looked up and stay unknown: {e.FailureDetails.ErrorMessage}");
        }
    }
}
