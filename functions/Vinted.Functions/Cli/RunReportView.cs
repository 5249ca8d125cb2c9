using Spectre.Console;
using Vinted.Functions.Pipeline;
using Vinted.Orchestration;
using Vinted.Orchestration.Client;

namespace Vinted.Functions.Cli;

/// <summary>Prints a finished run: its state, and the report's figures per stage.</summary>
public static class RunReportView
{
    public static void Write(OrchestrationMetadata status)
    {
        var color = status.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? "green" : "red";
        AnsiConsole.MarkupLineInterpolated($"Run [bold]{status.InstanceId}[/]: [{color}]{status.RuntimeStatus}[/] in {(status.LastUpdatedTime - status.CreatedTime).TotalSeconds:F1} s, {status.Executions} orchestrator executions");
        if (status.Error is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{status.Error}[/]");
            AnsiConsole.MarkupLineInterpolated($"Fix the cause, then rewind: POST /runtime/webhooks/durabletask/instances/{status.InstanceId}/rewind (admin key).");
            return;
        }

        var report = status.ReadOutputAs<RunReport>();
        if (report is null)
        {
            return;
        }

        var table = new Table().AddColumns("stage", "figures", "seconds");
        var ingestion = report.Ingestion;
        table.AddRow(
            "ingestion",
            Markup.Escape($"{ingestion.Searches} searches, {ingestion.Pages} pages, {ingestion.Items:N0} items, {ingestion.QuarantinedPages} quarantined"),
            Seconds(report, "ingestion"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Raw data: s3://{ingestion.Bucket}/{ingestion.ManifestKey}");
        foreach (var key in ingestion.QuarantinedKeys)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]quarantined[/] s3://{ingestion.Bucket}/{key}");
        }

        foreach (var warning in ingestion.Warnings)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning[/] {warning}");
        }
    }

    private static string Seconds(RunReport report, string stage) =>
        report.StageSeconds.TryGetValue(stage, out var s) ? s.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "";
}
