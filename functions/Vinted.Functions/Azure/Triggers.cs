using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Vinted.Monitoring;
using Vinted.Monitoring.Runs;
using Vinted.Orchestration.Engine;
using Vinted.Orchestration.Http;
using Vinted.Orchestration.Timer;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Orchestrators;

namespace Vinted.Functions.Azure;

/// <summary>
/// What starts and shows pipeline runs in Azure Functions: the daily timer, the weekly training timer, the manual start,
/// a run's status and restart, and the monitoring run list. Routes are under <c>api/</c> as in the self-host (host.json's <c>routePrefix</c> is empty);
/// the host checks the function keys. The Durable extension's own management API serves terminate, rewind and purge.
/// </summary>
public sealed partial class Triggers(IOptionsMonitor<ScheduleOptions> schedules, IOptions<DurableHttpOptions> http, TimeProvider time, ILogger<Triggers> logger)
{
    /// <summary>A timer firing this much before its slot still belongs to it (timers can wake a little early).</summary>
    internal static readonly TimeSpan EarlyFire = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The host's schedule of <see cref="DailyTimerAsync"/>: the top of every hour, in the Functions host's six-field
    /// NCRONTAB (seconds first). Flex Consumption has no <c>WEBSITE_TIME_ZONE</c>, so the host's timers run in UTC; a
    /// daily cron there would start "03:00 Europe/Lisbon" at 03:00 UTC, an hour late all summer. The hourly firing
    /// instead asks <see cref="DueSlot"/> whether a slot of the app's schedule (<c>Schedule:Cron</c> in
    /// <c>Schedule:TimeZone</c>, the same settings the self-host reads) has come.
    /// </summary>
    internal const string HourlyCron = "0 0 * * * *";

    /// <summary>How often the host fires <see cref="DailyTimerAsync"/>: what <see cref="HourlyCron"/> says.</summary>
    internal static readonly TimeSpan TimerPeriod = TimeSpan.FromHours(1);

    /// <summary>
    /// The daily run. Each hourly firing starts the schedule's slot if one has come since the previous firing (or
    /// within <c>Schedule:CatchUpWindow</c>, after the app was down). The instance id comes from the slot, as the
    /// self-host's timer makes it, and every status is a dedupe status, so a slot seen by two firings (an early wake,
    /// a past-due catch-up) starts one run.
    /// </summary>
    [Function("DailyTimer")]
    public Task DailyTimerAsync(
        [TimerTrigger(HourlyCron)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        StartDueSlotAsync(schedules.Get(Options.DefaultName), timer, client, cancellationToken);

    /// <summary>
    /// The weekly training of the price model: the self-host's second timer, <c>PriceModel:Schedule</c>
    /// (<see cref="Schedules.Training"/>), picked hourly in its own time zone by the same rule as the daily run.
    /// </summary>
    [Function("TrainingTimer")]
    public Task TrainingTimerAsync(
        [TimerTrigger(HourlyCron)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        StartDueSlotAsync(schedules.Get(Schedules.Training), timer, client, cancellationToken);

    /// <summary>
    /// A manual run: the body is an optional <see cref="PipelineInput"/>; the answer is Durable Functions' check-status
    /// payload (202, with the management links).
    /// </summary>
    [Function("StartRun")]
    public async Task<HttpResponseData> StartRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/runs")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var body = await DurableHttpApi.ReadBoundedAsync(request.Body, http.Value.MaxBodyBytes, cancellationToken);
        PipelineInput input = new();
        string? error = "The input is too large.";
        if (body is null || !TryReadInput(body, out input, out error))
        {
            return await BadRequestAsync(request, "The input does not fit the pipeline", error, cancellationToken);
        }

        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(DailyPipeline), input, cancellationToken);
        return await client.CreateCheckStatusResponseAsync(request, instanceId, cancellationToken);
    }

    /// <summary>
    /// A backfill: the body is a <see cref="BackfillInput"/> (<c>{"from": "2026-10-01", "to": "2026-10-30"}</c>); the stored
    /// days are digested again in date order. The answer is the check-status payload (202), or 400 naming the field.
    /// </summary>
    [Function("StartBackfill")]
    public static async Task<HttpResponseData> StartBackfillAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/backfills")] HttpRequestData request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        BackfillInput? input;
        string? error = null;
        try
        {
            input = await JsonSerializer.DeserializeAsync<BackfillInput>(request.Body, EngineJson.Options, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            input = null;
            error = e.Message;
        }

        if (input is null)
        {
            return await BadRequestAsync(
                request, "The input does not fit the backfill", error ?? "the body must be {\"from\": \"yyyy-MM-dd\", \"to\": \"yyyy-MM-dd\"}", cancellationToken);
        }

        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(Backfill), input with { Trigger = input.Trigger ?? "http" }, cancellationToken);
        return await client.CreateCheckStatusResponseAsync(request, instanceId, cancellationToken);
    }

    /// <summary>A run's status in the shape of Durable Functions' status query: 202 while it runs, 200 once it has finished.</summary>
    [Function("GetRun")]
    public static async Task<IResult> GetRunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/runs/{instanceId}")] HttpRequest request,
        string instanceId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No instance '{instanceId}'");
        }

        var status = InstanceStatus.From(metadata);
        return DurableHttpApi.IsTerminal(status.RuntimeStatus) ? TypedResults.Ok(status) : TypedResults.Json(status, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Restarts a finished run under its id with its input, as the self-host's
    /// <c>POST /runtime/webhooks/durabletask/instances/{id}/restart</c> does (admin key there; the admin level, the
    /// host's master key, here). The Durable extension owns <c>/runtime/webhooks/durabletask</c> in Azure and has no
    /// restart there, so this function serves it under the runs' route. 202 with the check-status payload.
    /// </summary>
    [Function("RestartRun")]
    public static async Task<IResult> RestartRunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/runs/{instanceId}/restart")] HttpRequest request,
        string instanceId,
        [DurableClient] DurableTaskClient client,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        var data = await context.GetHttpRequestDataAsync();
        return await DurableHttpApi.RestartInstanceAsync(client, instanceId, id =>
        {
            var payload = client.CreateHttpManagementPayload(id, data);
            return (payload.StatusQueryGetUri, payload);
        }, cancellationToken);
    }

    /// <summary>Starts the slot of <paramref name="options"/> that this firing finds due, if any (see <see cref="DueSlot"/>).</summary>
    private async Task StartDueSlotAsync(ScheduleOptions options, TimerInfo timer, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (!options.Enabled || DueSlot(options, time.GetUtcNow()) is not { } slot)
        {
            return;
        }

        var (instanceId, outcome) = await SlotStarter.StartAsync(client, options, slot, cancellationToken);
        LogTimerSlot(options.Name, slot, outcome.ToString(), instanceId, timer.IsPastDue);
    }

    /// <summary>
    /// The slot an hourly firing at <paramref name="now"/> starts: the schedule's latest occurrence (in its time zone)
    /// no older than one timer period or the catch-up window, whichever is longer; <c>null</c> when none is due.
    /// </summary>
    internal static DateTimeOffset? DueSlot(ScheduleOptions options, DateTimeOffset now) => options.DueSlot(now, TimerPeriod, EarlyFire);

    /// <summary>Reads a start request's body: empty or <c>null</c> is the default input; the trigger defaults to <c>http</c>.</summary>
    internal static bool TryReadInput(byte[] body, out PipelineInput input, out string? error)
    {
        var refusal = StartInput.ReadOrDefault(body, new PipelineInput(), out input);
        input = input with { Trigger = input.Trigger ?? "http" };
        error = refusal?.Detail;
        return refusal is null;
    }

    private static async Task<HttpResponseData> BadRequestAsync(HttpRequestData request, string title, string? detail, CancellationToken cancellationToken)
    {
        var problem = request.CreateResponse(HttpStatusCode.BadRequest);
        problem.Headers.Add("Content-Type", "application/problem+json");
        await problem.WriteStringAsync(JsonSerializer.Serialize(new ProblemDetails { Status = 400, Title = title, Detail = detail }, EngineJson.Options), cancellationToken);
        return problem;
    }

    [LoggerMessage(700, LogLevel.Information, "Timer {Schedule} slot {Slot}: {Outcome} {InstanceId} (past due: {PastDue})")]
    private partial void LogTimerSlot(string schedule, DateTimeOffset slot, string outcome, string instanceId, bool pastDue);
}
