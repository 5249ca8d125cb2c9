using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Vinted.Monitoring.Runs;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Http.Security;
using Vinted.Orchestration.Http;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Orchestrators;
using Vinted.Warehouse.Quality;

namespace Vinted.SelfHost.Monitoring;

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

    private static async Task<Results<Ok<RunList>, ValidationProblem>> ListAsync(
        DurableTaskClient client, TimeProvider time, CancellationToken cancellationToken, string? status = null, int top = 50, string? continuationToken = null)
    {
        var (list, errors) = await RunListing.ListAsync(client, time.GetUtcNow(), status, top, continuationToken, cancellationToken);
        return list is null ? TypedResults.ValidationProblem(errors!) : TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<RunDetail>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, DurableTaskClient client, InstanceHistory history, QualityResults quality, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = await DurableHttpApi.ReadStatusAsync(client, history, id, showHistory: false, showInput: true, cancellationToken);
        if (status is null || status.Name != nameof(DailyPipeline))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No pipeline run '{id}'");
        }

        var links = DurableHttpApi.CheckStatusFor(context.Request, id);
        var admin = FunctionKeys.LevelOf(context) == KeyLevel.Admin;
        var report = status.Output;
        var ingestion = RunViewBuilder.Read<RunReport>(report)?.Ingestion;
        return TypedResults.Ok(new RunDetail(
            RunViewBuilder.Summary(status, time.GetUtcNow()),
            status.CustomStatus,
            RunViewBuilder.Stages(await history.ReadTreeAsync(id, cancellationToken)),
            ingestion?.QuarantinedKeys ?? [],
            ingestion?.Warnings ?? [],
            ingestion?.ManifestKey,
            report,
            QualityView.Of(await quality.ReadAsync(id, cancellationToken)),
            new RunActions(admin, admin ? Strip(links.TerminatePostUri) : null, admin ? Strip(links.RewindPostUri) : null, admin ? Strip(links.RestartPostUri) : null)));
    }

    /// <summary>The management links without their <c>?reason={text}</c> template: the page adds its own reason.</summary>
    private static string Strip(string uri) => new Uri(uri).AbsolutePath;
}
