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

        // The store lists instances in id order, not by creation, and lists the runs' searches too: the runs are
        // picked out of the whole list (a listing without payloads; retention keeps it short), sorted newest first
        // and paged here with a cursor of our own (the created time and id of the last run served).
        (DateTimeOffset Created, string Id)? after = null;
        if (!string.IsNullOrEmpty(continuationToken))
        {
            after = ParseToken(continuationToken);
            if (after is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["continuationToken"] = ["Not a continuation token of this list."] });
            }
        }

        var all = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { Statuses = statuses, PageSize = 1000 }).WithCancellation(cancellationToken))
        {
            if (instance.Name == nameof(DailyPipeline))
            {
                all.Add(instance);
            }
        }

        var ordered = all
            .OrderByDescending(m => m.CreatedAt).ThenBy(m => m.InstanceId, StringComparer.Ordinal)
            .Where(m => after is not { } a || m.CreatedAt < a.Created || (m.CreatedAt == a.Created && string.CompareOrdinal(m.InstanceId, a.Id) > 0))
            .ToList();
        var runs = new List<InstanceStatus>();
        foreach (var run in ordered.Take(top))
        {
            if (await client.GetInstanceAsync(run.InstanceId, getInputsAndOutputs: true, cancellationToken) is { } metadata)
            {
                runs.Add(InstanceStatus.From(metadata));
            }
        }

        var next = ordered.Count > top ? Token(ordered[top - 1]) : null;
        var now = time.GetUtcNow();
        return TypedResults.Ok(new RunList(
            runs.Select(r => RunViewBuilder.Summary(r, now)).ToList(),
            next));
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
            new RunActions(admin, admin ? Strip(links.TerminatePostUri) : null, admin ? Strip(links.RewindPostUri) : null, admin ? Strip(links.RestartPostUri) : null)));
    }

    private static string Token(OrchestrationMetadata last) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks}:{last.InstanceId}"));

    private static (DateTimeOffset Created, string Id)? ParseToken(string token)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && long.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), text[(colon + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The management links without their <c>?reason={text}</c> template: the page adds its own reason.</summary>
    private static string Strip(string uri) => new Uri(uri).AbsolutePath;
}
