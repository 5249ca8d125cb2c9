using System.Text.Json;
using Microsoft.DurableTask.Client;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Engine;
using Vinted.Orchestration.Http;
using Vinted.Pipeline.Models;
using Vinted.Warehouse.Quality;

namespace Vinted.Monitoring.Runs;

/// <summary>One run in the run list: its state, who started it, and the counts of its report.</summary>
public sealed record RunSummary(
    string Id,
    OrchestrationRuntimeStatus Status,
    string Trigger,
    DateOnly? Date,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    double DurationSeconds,
    RunCounts? Counts,
    string? Error);

/// <summary>The ingestion counts of a finished run's report.</summary>
public sealed record RunCounts(int Searches, int Pages, long Items, int QuarantinedPages);

/// <summary>A page of runs, newest first, and the token of the next page.</summary>
public sealed record RunList(IReadOnlyList<RunSummary> Runs, string? ContinuationToken);

/// <summary>One run in detail: stages and their steps, the report, quarantined pages and data-quality results.</summary>
public sealed record RunDetail(
    RunSummary Run,
    JsonElement? CustomStatus,
    IReadOnlyList<StageView> Stages,
    IReadOnlyList<string> QuarantinedKeys,
    IReadOnlyList<string> Warnings,
    string? ManifestKey,
    JsonElement? Report,
    QualityView Quality,
    RunActions Actions);

/// <summary>A stage (plan, ingestion, warehouse...) and the activities that ran in it, in call order.</summary>
public sealed record StageView(string Name, IReadOnlyList<ActivityView> Activities);

/// <summary>One activity's steps: how many are in each state, attempts and retries, timings and recent errors.</summary>
public sealed record ActivityView(
    string Name,
    int Steps,
    IReadOnlyDictionary<string, int> ByStatus,
    int Attempts,
    int Retries,
    double? MedianMs,
    double? MaxMs,
    DateTimeOffset? FirstStarted,
    DateTimeOffset? LastCompleted,
    IReadOnlyList<StepError> Errors);

/// <summary>One failed attempt of a step.</summary>
public sealed record StepError(int StepId, int? Attempt, string? At, string Error);

/// <summary>The run's data-quality results, when the warehouse has recorded any.</summary>
public sealed record QualityView(bool Available, IReadOnlyList<CheckResult> Checks)
{
    public static QualityView Of(IReadOnlyList<CheckResult> checks) => new(checks.Count > 0, checks);
}

/// <summary>What the caller may do with the run (admin key only) and where to POST it.</summary>
public sealed record RunActions(bool CanManage, string? TerminatePostUri, string? RewindPostUri, string? RestartPostUri);

/// <summary>Builds the views from the status and the history of a <c>DailyPipeline</c> instance and its searches.</summary>
public static class RunViewBuilder
{
    /// <summary>Errors kept per activity: a 10,000-page fan-out that fails everywhere must not make a 10 MB page.</summary>
    private const int MaxErrorsPerActivity = 20;

    public static RunSummary Summary(InstanceStatus status, DateTimeOffset now)
    {
        var input = Read<PipelineInput>(status.Input);
        var report = Read<RunReport>(status.Output);
        // Every starter names itself; a timer run of before timers did sent its slot alone.
        var trigger = input?.Trigger ?? (input?.Slot is not null ? "timer" : "http");
        var date = report?.Date ?? input?.Date;
        var end = DurableHttpApi.IsTerminal(status.RuntimeStatus) ? status.LastUpdatedTime : now;
        var counts = report?.Ingestion is { } ingestion
            ? new RunCounts(ingestion.Searches, ingestion.Pages, ingestion.Items, ingestion.QuarantinedPages)
            : null;

        return new RunSummary(
            status.InstanceId,
            status.RuntimeStatus,
            trigger,
            date,
            status.CreatedTime,
            status.LastUpdatedTime,
            Math.Max(0, (end - status.CreatedTime).TotalSeconds),
            counts,
            status.Error);
    }

    /// <summary>
    /// A stored payload as <typeparamref name="T"/>; null when there is none or it is of another shape (a failed run's
    /// output is its error, a run of an old version may lack fields): the pages show what they can.
    /// </summary>
    public static T? Read<T>(JsonElement? payload)
        where T : class
    {
        if (payload is not { ValueKind: JsonValueKind.Object } element)
        {
            return null;
        }

        try
        {
            return element.Deserialize<T>(EngineJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The run's activities grouped by stage, in the order the stages began.</summary>
    public static IReadOnlyList<StageView> Stages(IReadOnlyList<ActivityStep> steps) => steps
        .Select((step, index) => (Step: step, Index: index))
        .GroupBy(s => s.Step.Name)
        .Select(g => (First: g.Min(s => s.Step.Scheduled), Activity: Activity(g.Key, g.ToList())))
        .GroupBy(a => PipelineStages.Of(a.Activity.Name))
        .OrderBy(g => g.Min(a => a.First))
        .Select(g => new StageView(g.Key, g.OrderBy(a => a.First).Select(a => a.Activity).ToList()))
        .ToList();

    private static ActivityView Activity(string name, List<(ActivityStep Step, int Index)> steps)
    {
        var durations = steps.Where(s => s.Step.DurationMs is not null).Select(s => s.Step.DurationMs!.Value).Order().ToList();
        var errors = steps
            .SelectMany(s => s.Step.Failures.Select(f => new StepError(s.Index, f.Attempt, f.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture), f.Error)))
            .OrderByDescending(e => e.At, StringComparer.Ordinal)
            .Take(MaxErrorsPerActivity)
            .ToList();
        return new ActivityView(
            name,
            steps.Count,
            steps.GroupBy(s => s.Step.Status).ToDictionary(g => g.Key, g => g.Count()),
            steps.Sum(s => s.Step.Attempts),
            steps.Sum(s => Math.Max(0, s.Step.Attempts - 1)),
            durations.Count == 0 ? null : Math.Round(durations[durations.Count / 2], 1),
            durations.Count == 0 ? null : Math.Round(durations[^1], 1),
            steps.Min(s => s.Step.Scheduled),
            steps.Max(s => s.Step.Completed),
            errors);
    }
}
