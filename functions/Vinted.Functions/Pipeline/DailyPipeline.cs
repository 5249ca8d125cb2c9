using Vinted.Functions.Ingestion;
using Vinted.Functions.Warehouse;
using Vinted.Orchestration;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;

namespace Vinted.Functions.Pipeline;

/// <summary>
/// The daily pipeline, start to end: plan, fetch every search's first page, fan out the remaining pages,
/// write the manifest, then load staging, normalize and rebuild the run's day of the mart. Each step is an activity with the host's default retry policy; the orchestrator
/// only coordinates, and replays from the ledger after a crash.
/// </summary>
public sealed class DailyPipeline : TaskOrchestrator<PipelineInput, RunReport>
{
    public override async Task<RunReport> RunAsync(TaskOrchestrationContext context, PipelineInput input)
    {
        var stages = new Dictionary<string, double>();
        var started = context.CurrentUtcDateTime;
        var plan = await context.CallActivityAsync<RunPlan>(nameof(PlanRun), input);

        // Ingestion: page 1 of every search tells how many pages there are; the rest fan out at once.
        var firstPages = await Task.WhenAll(plan.Searches.Select(s =>
            context.CallActivityAsync<FetchResult>(nameof(FetchPage), new PageRequest(plan.RunId, plan.Date, s.Search, 1))));
        var remaining = plan.Searches
            .Zip(firstPages)
            .SelectMany(p => Enumerable.Range(2, Math.Max(0, Math.Min(p.Second.TotalPages, p.First.MaxPages) - 1))
                .Select(page => new PageRequest(plan.RunId, plan.Date, p.First.Search, page, p.Second.PinnedTime)))
            .ToList();
        context.SetCustomStatus(new RunProgress("ingestion", firstPages.Length + remaining.Count, firstPages.Length));
        var otherPages = await Task.WhenAll(remaining.Select(r => context.CallActivityAsync<FetchResult>(nameof(FetchPage), r)));
        var pages = firstPages.Concat(otherPages).ToList();
        var manifest = await context.CallActivityAsync<ManifestResult>(
            nameof(WriteManifest), new ManifestInput(plan.RunId, plan.Date, pages.Select(p => p.Stored).ToList()));
        stages["ingestion"] = (context.CurrentUtcDateTime - started).TotalSeconds;

        // Digestion and serving: each stage checks its data before the next one reads it.
        var run = new WarehouseInput(plan.RunId, plan.Date);
        context.SetCustomStatus(new RunProgress("staging", pages.Count, pages.Count));
        var staged = await Timed(context, stages, "staging", () => context.CallActivityAsync<StageResult>(nameof(LoadStaging), run));
        context.SetCustomStatus(new RunProgress("normalize", pages.Count, pages.Count));
        var normalized = await Timed(context, stages, "normalize", () => context.CallActivityAsync<NormalizeResult>(nameof(Normalize), run));
        context.SetCustomStatus(new RunProgress("mart", pages.Count, pages.Count));
        var mart = await Timed(context, stages, "mart", () => context.CallActivityAsync<MartResult>(nameof(BuildMart), run));
        var quality = await context.CallActivityAsync<IReadOnlyList<CheckResult>>(nameof(ReadQualityResults), run);
        context.SetCustomStatus(new RunProgress("done", pages.Count, pages.Count));

        return new RunReport(plan.RunId, plan.Date, IngestionReport.From(plan.Searches.Count, pages, manifest))
        {
            Staging = staged,
            Normalize = normalized,
            Mart = mart,
            Quality = quality,
            StageSeconds = stages,
        };
    }

    private static async Task<T> Timed<T>(TaskOrchestrationContext context, Dictionary<string, double> stages, string stage, Func<Task<T>> call)
    {
        var start = context.CurrentUtcDateTime;
        var result = await call();
        stages[stage] = (context.CurrentUtcDateTime - start).TotalSeconds;
        return result;
    }
}
