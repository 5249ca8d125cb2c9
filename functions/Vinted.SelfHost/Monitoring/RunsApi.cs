using Microsoft.DurableTask.Client;
using Vinted.Monitoring.Runs;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Http;
using Vinted.Orchestration.Http.Security;
using Vinted.Warehouse.Quality;

namespace Vinted.SelfHost.Monitoring;

/// <summary>
/// The runs of the pipeline for the monitoring pages: <c>GET /api/monitoring/runs</c> (newest first, paged) and
/// <c>GET /api/monitoring/runs/{id}</c> (stages, steps, report, quality), answered by <see cref="RunEndpoints"/> as on
/// Azure. Read-only: the pages act through the management API (terminate, rewind), which needs the admin key.
/// </summary>
public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/monitoring/runs").RequireFunctionKey();
        runs.MapGet("/", (HttpRequest request, DurableTaskClient client, TimeProvider time, CancellationToken cancellationToken) =>
            RunEndpoints.ListAsync(request.Query, client, time.GetUtcNow(), cancellationToken));
        runs.MapGet("/{id}", (string id, HttpContext context, DurableTaskClient client, InstanceHistory history, QualityResults quality, TimeProvider time, CancellationToken cancellationToken) =>
            RunEndpoints.DetailAsync(id, client, history, quality, time.GetUtcNow(), Actions(context, id), cancellationToken));
        return app;
    }

    /// <summary>The management links an admin key may follow, without their <c>?reason={text}</c> template: the page adds its own reason.</summary>
    private static RunActions Actions(HttpContext context, string id)
    {
        if (FunctionKeys.LevelOf(context) != KeyLevel.Admin)
        {
            return new RunActions(false, null, null, null);
        }

        var links = DurableHttpApi.CheckStatusFor(context.Request, id);
        return new RunActions(true, Strip(links.TerminatePostUri), Strip(links.RewindPostUri), Strip(links.RestartPostUri));
    }

    private static string Strip(string uri) => new Uri(uri).AbsolutePath;
}
