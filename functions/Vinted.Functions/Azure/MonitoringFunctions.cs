using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Vinted.Monitoring.Pages;
using Vinted.Monitoring.Runs;
using Vinted.Warehouse.Quality;

namespace Vinted.Functions.Azure;

/// <summary>
/// The monitoring pages, their static files and the run JSON they read, as in the self-host and from the same code
/// (<see cref="MonitoringPages"/>, <see cref="StaticAssets"/>, <see cref="RunEndpoints"/>).
/// The pages and the static files are anonymous: the shells and scripts hold no data, and the Functions host knows no
/// cookie to carry a key from a page to its fetches. The data is behind the function key: a page opened with
/// <c>?code=</c> keeps the key in the tab's session storage and sends it as <c>x-functions-key</c>.
/// </summary>
public sealed class MonitoringFunctions(QualityResults quality, TimeProvider time)
{
    [Function("RunsPage")]
    public static IResult RunsPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs")] HttpRequest request) =>
        MonitoringPages.Runs(request.HttpContext.Response);

    [Function("RunPage")]
    public static IResult RunPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs/{id}")] HttpRequest request, string id) =>
        MonitoringPages.Run(request.HttpContext.Response, id);

    [Function("InsightsPage")]
    public static IResult InsightsPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "insights")] HttpRequest request) =>
        MonitoringPages.Insights(request.HttpContext.Response);

    [Function("ModelsPage")]
    public static IResult ModelsPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request) =>
        MonitoringPages.Models(request.HttpContext.Response);

    /// <summary>The stylesheet, the page modules and plotly.js: <c>/css/…</c>, <c>/js/…</c>, <c>/lib/…</c>.</summary>
    [Function("StaticFile")]
    public static IResult StaticFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{folder:regex(^(css|js|lib)$)}/{*file}")] HttpRequest request, string folder, string file) =>
        StaticAssets.Serve(request.HttpContext, $"{folder}/{file}");

    /// <summary>The run list, the self-host's <c>GET /api/monitoring/runs</c>.</summary>
    [Function("MonitoringRuns")]
    public Task<IResult> RunsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/monitoring/runs")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        RunEndpoints.ListAsync(request.Query, client, time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// One run, the self-host's <c>GET /api/monitoring/runs/{id}</c>, without its steps (the isolated worker's client
    /// cannot read an instance's history) and without actions (terminate and rewind are the Durable extension's own
    /// webhooks, behind the system key; restart is <c>POST /api/runs/{id}/restart</c> with the master key).
    /// </summary>
    [Function("MonitoringRun")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/monitoring/runs/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        RunEndpoints.DetailAsync(id, client, history: null, quality, time.GetUtcNow(), new RunActions(false, null, null, null), cancellationToken);
}
