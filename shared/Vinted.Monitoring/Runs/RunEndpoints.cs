using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Http;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Orchestrators;
using Vinted.Warehouse.Quality;

namespace Vinted.Monitoring.Runs;

/// <summary>
/// The answers of <c>GET /api/monitoring/runs</c> and <c>GET /api/monitoring/runs/{id}</c>, the same in both hosts: the
/// self-host maps them as endpoints, the Azure worker as HTTP functions.
/// </summary>
public static class RunEndpoints
{
    /// <summary>A page of runs (query: <c>status</c>, <c>top</c>, <c>continuationToken</c>), or a 400 naming the bad parameter.</summary>
    public static async Task<IResult> ListAsync(IQueryCollection query, DurableTaskClient client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var top = 50;
        if (query.TryGetValue("top", out var text) && !int.TryParse(text, out top))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["top"] = [$"'{text}' is not a number."] });
        }

        var (list, errors) = await RunListing.ListAsync(client, now, query["status"], top, query["continuationToken"], cancellationToken);
        return list is null ? TypedResults.ValidationProblem(errors!) : TypedResults.Ok(list);
    }

    /// <summary>
    /// One run in detail, or a 404 problem when <paramref name="id"/> is no pipeline run. Its stages come from the
    /// engine's history when the host can read it (<paramref name="history"/>; the Azure worker's client has no history
    /// API, so there the stages are empty and the report carries the counts).
    /// </summary>
    public static async Task<IResult> DetailAsync(
        string id,
        DurableTaskClient client,
        InstanceHistory? history,
        QualityResults quality,
        DateTimeOffset now,
        RunActions actions,
        CancellationToken cancellationToken)
    {
        var metadata = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null || metadata.Name != nameof(DailyPipeline))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No pipeline run '{id}'");
        }

        var status = InstanceStatus.From(metadata);
        var report = status.Output;
        var ingestion = RunViewBuilder.Read<RunReport>(report)?.Ingestion;
        var steps = history is null ? [] : await history.ReadTreeAsync(id, cancellationToken);
        return TypedResults.Ok(new RunDetail(
            RunViewBuilder.Summary(status, now),
            status.CustomStatus,
            RunViewBuilder.Stages(steps),
            ingestion?.QuarantinedKeys ?? [],
            ingestion?.Warnings ?? [],
            ingestion?.ManifestKey,
            report,
            QualityView.Of(await quality.ReadAsync(id, cancellationToken)),
            actions));
    }
}
