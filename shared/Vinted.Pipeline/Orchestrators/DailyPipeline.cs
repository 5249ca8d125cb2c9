using Microsoft.DurableTask;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Retries;
using Vinted.PriceModel.Scoring;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;

namespace Vinted.Pipeline.Orchestrators;

/// <summary>
/// The daily pipeline, start to end: plan, ingest every search (one sub-orchestration each: page 1, then the
/// rest fanned out), write the manifest (with each search's completeness: a blocked domain leaves its searches
/// incomplete and the run goes on with warnings), then load staging, normalize and rebuild the run's day of the mart, look
/// the day's vanished listings up on their item pages (sold, withdrawn or unknown) and write the lake.
/// Activities and searches pass S3 keys and counts, never page bodies or page lists; each call carries the run's retry policy.
/// </summary>
public sealed class DailyPipeline : TaskOrchestrator<PipelineInput, RunReport>
{
    public override async Task<RunReport> RunAsync(TaskOrchestrationContext context, PipelineInput input)
    {
        var stages = new Dictionary<string, double>();
        var started = context.CurrentUtcDateTime;
        var plan = await context.CallActivityAsync<RunPlan>(nameof(PlanRun), input, ActivityRetry.Options(ActivityRetry.Defaults, PipelineStages.Plan));

        // Ingestion: a sub-orchestration per search keeps each history to one search's pages.
        context.SetCustomStatus(new RunProgress(PipelineStages.Ingestion, plan.Searches.Count));
        var execution = context.NewGuid();
        var searches = await Task.WhenAll(plan.Searches.Select((search, i) => context.CallSubOrchestratorAsync<SearchResult>(
            nameof(SearchIngestion),
            new SearchRequest(plan.RunId, plan.Date, search, plan.Retry),
            new SubOrchestrationOptions { InstanceId = SearchIngestion.InstanceIdFor(context.InstanceId, execution, i) })));
        var scopes = searches.Select(s => s.Scope).ToList();
        var manifest = await context.CallActivityAsync<ManifestResult>(
            nameof(WriteManifest),
            new ManifestInput(plan.RunId, plan.Date, searches.Select(s => s.PagesKey).ToList()) { Searches = scopes },
            ActivityRetry.Options(plan.Retry, "manifest"));
        stages[PipelineStages.Ingestion] = (context.CurrentUtcDateTime - started).TotalSeconds;

        // Digestion and serving: each stage checks its data before the next one reads it.
        var run = new WarehouseInput(plan.RunId, plan.Date);
        Task OnStage(string stage)
        {
            context.SetCustomStatus(new RunProgress(stage, plan.Searches.Count));
            return Task.CompletedTask;
        }

        var digested = await Digestion.RunAsync(context, run, plan.Retry, OnStage, lookUpVanished: true);
        foreach (var (stage, seconds) in digested.StageSeconds)
        {
            stages[stage] = seconds;
        }

        // Serving: the day's listings scored by the production price model (a currency without one is skipped with a note).
        var prices = await Digestion.StageAsync<ScoreResult>(context, stages, PipelineStages.Prices, nameof(ScorePrices), run, plan.Retry, OnStage);

        var quality = await context.CallActivityAsync<IReadOnlyList<CheckResult>>(nameof(ReadQualityResults), run, ActivityRetry.Options(plan.Retry, PipelineStages.Quality));
        context.SetCustomStatus(new RunProgress("done", plan.Searches.Count));

        return new RunReport(plan.RunId, plan.Date, IngestionReport.From(searches, manifest))
        {
            Staging = digested.Staging,
            Normalize = digested.Normalize,
            Mart = digested.Mart,
            Lake = digested.Lake,
            Vanished = digested.Vanished,
            Quality = quality,
            Prices = prices,
            StageSeconds = stages,
        };
    }
}
