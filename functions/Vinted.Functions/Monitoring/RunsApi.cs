using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Vinted.Hosting.Security;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Http;
using Vinted.Pipeline.Orchestrators;

namespace Vinted.Functions.Monitoring;

/// <summary>
/// The runs of the pipeline for the monitoring pages: <c>GET /api/monitoring/runs</c> (newest first, paged) and
/// <c>GET /api/monitoring/runs/{id}</c> (stages, steps, report, quality). Read-only: the pages act through the
/// management API (terminate, rewind), which needs the admin key.
/// </summary>
public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/monitoring/runs").RequireFunctionKey();
        runs.MapGet("/", ListAsync);
        runs.MapGet("/{id}", GetAsync);
        return app;
    }

    internal static async Task<Results<Ok<RunList>, ValidationProblem>> ListAsync(
        DurableTaskClient client, TimeProvider time, CancellationToken cancellationToken, string? status = null, int top = 50, string? continuationToken = null)
    {
        var errors = new Dictionary<string, string[]>();
        List<OrchestrationRuntimeStatus>? statuses = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            statuses = [];
            foreach (var part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var parsed) && !char.IsDigit(part[0]))
                {
                    statuses.Add(parsed);
                }
                else
                {
                    errors["status"] = [$"'{part}' is not one of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}."];
                }
            }
        }

        if (top is < 1 or > 200)
        {
            errors["top"] = ["top is between 1 and 200."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // The store filters by status and pages; the name is filtered here, whole store pages at a time, so a
        // continuation token always points at a page boundary.
        var query = new OrchestrationQuery { Statuses = statuses, PageSize = top, FetchInputsAndOutputs = true };
        var runs = new List<InstanceStatus>();
        string? next = continuationToken;
        try
        {
            await foreach (var page in client.GetAllInstancesAsync(query).AsPages(continuationToken, top).WithCancellation(cancellationToken))
            {
                runs.AddRange(page.Values.Where(m => m.Name == nameof(DailyPipeline)).Select(InstanceStatus.From));
                next = page.ContinuationToken;
                if (runs.Count >= top)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or System.Text.Json.JsonException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["continuationToken"] = [$"Not a continuation token of this list: {e.Message}"] });
        }

        var now = time.GetUtcNow();
        return TypedResults.Ok(new RunList(
            runs.OrderByDescending(r => r.CreatedTime).Select(r => RunViewBuilder.Summary(r, now)).ToList(),
            string.IsNullOrEmpty(next) ? null : next));
    }

    private static async Task<Results<Ok<RunDetail>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, DurableTaskClient client, InstanceHistory history, QualityReader quality, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = await DurableHttpApi.ReadStatusAsync(client, history, id, showHistory: false, showInput: true, cancellationToken);
        if (status is null || status.Name != nameof(DailyPipeline))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No pipeline run '{id}'");
        }

        var links = DurableHttpApi.CheckStatusFor(context.Request, id);
        var admin = FunctionKeys.LevelOf(context) == KeyLevel.Admin;
        var report = status.Output;
        return TypedResults.Ok(new RunDetail(
            RunViewBuilder.Summary(status, time.GetUtcNow()),
            status.CustomStatus,
            RunViewBuilder.Stages(await history.ReadTreeAsync(id, cancellationToken)),
            RunViewBuilder.Strings(report, "ingestion", "quarantinedKeys"),
            RunViewBuilder.Strings(report, "ingestion", "warnings"),
            report is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("ingestion", out var ingestion) ? RunViewBuilder.Text(ingestion, "manifestKey") : null,
            report,
            await quality.ReadAsync(id, cancellationToken),
            new RunActions(admin, admin ? Strip(links.TerminatePostUri) : null, admin ? Strip(links.RewindPostUri) : null)));
    }

    /// <summary>The management links without their <c>?reason={text}</c> template: the page adds its own reason.</summary>
    private static string Strip(string uri) => new Uri(uri).AbsolutePath;
}
