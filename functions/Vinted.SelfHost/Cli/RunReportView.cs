using Vinted.ObjectStore;
using Vinted.Monitoring.Runs;
using Spectre.Console;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Vinted.Orchestration.Engine;
using Vinted.Orchestration.Http;
using Vinted.Pipeline.Models;

namespace Vinted.SelfHost.Cli;

/// <summary>Prints a finished run: its state, and the report's figures per stage.</summary>
public static class RunReportView
{
    public static void Write(InstanceStatus status, IObjectStore store)
    {
        var color = status.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? "green" : "red";
        AnsiConsole.MarkupLineInterpolated($"Run [bold]{status.InstanceId}[/]: [{color}]{status.RuntimeStatus}[/] in {(status.LastUpdatedTime - status.CreatedTime).TotalSeconds:F1} s");
        if (status.Error is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{status.Error}[/]");
            AnsiConsole.MarkupLineInterpolated($"Fix the cause, then rewind: POST /runtime/webhooks/durabletask/instances/{status.InstanceId}/rewind (admin key).");
            return;
        }

        var report = status.Output?.Deserialize<RunReport>(EngineJson.Options);
        if (report is null)
        {
            return;
        }

        var table = new Table().AddColumns("stage", "figures", "seconds");
        var ingestion = report.Ingestion;
        table.AddRow(
            "ingestion",
            Markup.Escape($"{ingestion.Searches} searches, {ingestion.Pages} pages, {ingestion.Items:N0} items, {ingestion.QuarantinedPages} quarantined, {ingestion.PagesReused} reused from an earlier execution"),
            Seconds(report, PipelineStages.Ingestion));
        if (report.Staging is { } staged)
        {
            table.AddRow("staging", $"{staged.Rows:N0} rows from {staged.Pages} pages ({staged.Rows / Math.Max(staged.Elapsed.TotalSeconds, 0.001):N0} rows/s)", Seconds(report, PipelineStages.Staging));
        }

        if (report.Normalize is { } normalized)
        {
            table.AddRow("normalize", $"{normalized.Listings:N0} listings: {normalized.NewListings:N0} new, {normalized.PriceChanges:N0} price changes, {normalized.Vanished:N0} vanished, {normalized.OutOfView:N0} out of view", Seconds(report, PipelineStages.Normalize));
        }

        if (report.Mart is { } mart)
        {
            table.AddRow("mart", $"{mart.FactRows:N0} daily facts, {mart.VanishedRows:N0} vanished, {mart.OutOfViewRows:N0} out of view, {mart.AggregateRows:N0} aggregates{(mart.RebuiltDays.Count > 0 ? $" ({mart.RebuiltDays.Count} later days rebuilt)" : "")}", Seconds(report, PipelineStages.Mart));
        }

        if (report.Vanished is { } vanished)
        {
            table.AddRow(
                "vanished",
                Markup.Escape($"{vanished.Vanished:N0} vanished: {vanished.Sold:N0} sold, {vanished.Withdrawn:N0} withdrawn, {vanished.Unknown:N0} unknown; " +
                    $"{vanished.LookedUp:N0} item pages looked up, {vanished.Reused:N0} reused, {vanished.Failed:N0} failed, {vanished.NotSampled:N0} above the sample"),
                Seconds(report, PipelineStages.Vanished));
        }

        if (report.Lake is { } lake)
        {
            table.AddRow("lake", $"{lake.Days.Count} day{(lake.Days.Count == 1 ? "" : "s")} and the dimensions as Parquet: {lake.Writes.Count} partitions, {lake.Rows:N0} rows, {lake.Bytes / 1024.0:N0} KiB", Seconds(report, PipelineStages.Lake));
        }

        var failedChecks = report.Quality.Where(q => !q.Passed).ToList();
        table.AddRow("quality", $"{report.Quality.Count - failedChecks.Count}/{report.Quality.Count} checks passed", "");
        AnsiConsole.Write(table);
        foreach (var check in failedChecks)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]check failed[/] {check.Stage}/{check.Name}: observed {check.Observed}, expected {check.Expected}");
        }

        AnsiConsole.MarkupLineInterpolated($"Raw data: {store.Location(ingestion.ManifestKey)}");
        foreach (var key in ingestion.QuarantinedKeys)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]quarantined[/] {store.Location(key)}");
        }

        foreach (var warning in ingestion.Warnings.Concat(report.Vanished?.Warnings ?? []))
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning[/] {warning}");
        }

        if (ingestion.IncompleteSearches.Count > 0)
        {
            // What cut each incomplete search, with the listings it announced against those seen.
            ConsoleTables.Write(
                "incomplete searches",
                ["search", "domain", "cut", "block", "announced", "seen", "promoted", "missing pages"],
                [.. ingestion.IncompleteSearches.Select(s => new[]
                {
                    s.SearchKey, s.Domain, s.Cut ?? "", s.BlockKind ?? "",
                    s.Announced is { } announced ? CommandLine.Format(announced) : "?",
                    CommandLine.Format(s.Seen), CommandLine.Format(s.Promoted), string.Join(", ", s.MissingPages.Take(10)),
                })]);
        }
    }

    private static string Seconds(RunReport report, string stage) =>
        report.StageSeconds.TryGetValue(stage, out var s) ? s.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "";
}
