using Microsoft.Extensions.Options;
using Microsoft.DurableTask;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Options;
using Vinted.Pipeline.Retries;

namespace Vinted.Pipeline.Activities;

/// <summary>Resolves a run's date and searches from its input and host.json; a plan that cannot run fails at once.</summary>
public sealed class PlanRun(IOptions<IngestionOptions> options, IOptions<RetrySettings> retry, TimeProvider time) : TaskActivity<PipelineInput, RunPlan>
{
    public override Task<RunPlan> RunAsync(TaskActivityContext context, PipelineInput input)
    {
        var settings = options.Value;
        PipelineTelemetry.RunsPlanned.Add(1, new KeyValuePair<string, object?>("vinted.trigger", input.Trigger is "timer" or "http" or "cli" ? input.Trigger : "other"));
        var date = input.Date ?? DateOnly.FromDateTime((input.Slot ?? time.GetUtcNow()).UtcDateTime);
        var specs = input.Searches ?? settings.Searches;
        if (specs.Count == 0)
        {
            throw new NonRetryableException("No searches to ingest: pass 'searches' in the input or configure Ingestion:Searches in host.json.");
        }

        var problems = specs.SelectMany((s, i) => s.Search.Validate().Select(p => $"searches[{i}]: {p}")).ToList();
        problems.AddRange(specs.GroupBy(s => (s.Search.Domain, s.Search.Key)).Where(g => g.Count() > 1)
            .Select(g => $"search {g.Key.Key} on {g.Key.Domain} is listed {g.Count()} times"));
        if (problems.Count > 0)
        {
            throw new NonRetryableException($"Invalid run input: {string.Join("; ", problems)}");
        }

        var planned = specs
            .Select(s =>
            {
                var cap = Math.Min(s.MaxPages ?? settings.DefaultMaxPages, input.MaxPages ?? int.MaxValue);
                var reachable = Reachable(s, settings);
                return new PlannedSearch(s.Search, Math.Min(cap, reachable)) { CappedByReach = reachable < cap };
            })
            .ToList();
        return Task.FromResult(new RunPlan(context.InstanceId, date, planned, retry.Value));
    }

    private static int Reachable(SearchSpec spec, IngestionOptions settings) => (settings.MaxReachableResults + spec.Search.PerPage - 1) / spec.Search.PerPage;
}
