using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Vinted.Settings;
using Vinted.Orchestration.Http.Security;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Engine;

namespace Vinted.Orchestration.Http;

/// <summary>
/// The HTTP surface of Durable Functions, served by the self-host over the engine's client: the starter
/// (<c>POST /api/orchestrators/{name}</c>) and the instance management API under
/// <c>/runtime/webhooks/durabletask/instances</c>, with the same routes, status codes and bodies. Every endpoint
/// needs a function key; terminate, rewind and purge need the admin key. Only orchestrators listed in
/// <see cref="DurableHttpOptions.Startable"/> start, with a bounded body whose input is validated; a malformed id,
/// parameter, token or body is a 4xx problem, never a 500.
/// </summary>
public static class DurableHttpApi
{
    private const string Instances = "/runtime/webhooks/durabletask/instances";

    /// <summary>The engine's JSON, refusing members the input type does not have: a misspelt or foreign field is an error, not silently a default run.</summary>
    public static readonly JsonSerializerOptions StrictJson = new(EngineJson.Options)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The longest instance id accepted (the provider's table keys are bounded; ours are far shorter).</summary>
    private const int MaxInstanceIdLength = 256;

    public static IEndpointRouteBuilder MapDurableApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orchestrators/{name}/{instanceId?}", StartAsync).RequireFunctionKey().AddEndpointFilter(RefuseMalformedIdAsync);

        var instances = app.MapGroup(Instances).AddEndpointFilter(RefuseMalformedIdAsync);
        instances.MapGet("/", ListAsync).RequireFunctionKey();
        instances.MapGet("/{instanceId}", GetStatusAsync).RequireFunctionKey();
        instances.MapPost("/{instanceId}/terminate", TerminateAsync).RequireFunctionKey(KeyLevel.Admin);
        instances.MapPost("/{instanceId}/rewind", RewindAsync).RequireFunctionKey(KeyLevel.Admin);
        instances.MapPost("/{instanceId}/restart", RestartAsync).RequireFunctionKey(KeyLevel.Admin);
        instances.MapDelete("/{instanceId}", PurgeAsync).RequireFunctionKey(KeyLevel.Admin);
        instances.MapDelete("/", PurgeManyAsync).RequireFunctionKey(KeyLevel.Admin);
        return app;
    }

    /// <summary>The management links of an instance, as Durable Functions' CreateCheckStatusResponse returns them.</summary>
    public static CheckStatusResponse CheckStatusFor(HttpRequest request, string instanceId)
    {
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}{Instances}/{Uri.EscapeDataString(instanceId)}";
        return new CheckStatusResponse(instanceId, root, $"{root}/terminate?reason={{text}}", $"{root}/rewind?reason={{text}}", root, $"{root}/restart");
    }

    /// <summary>The status of an instance, with its activity steps and children when <paramref name="showHistory"/>.</summary>
    public static async Task<InstanceStatus?> ReadStatusAsync(
        DurableTaskClient client, InstanceHistory history, string instanceId, bool showHistory, bool showInput, CancellationToken cancellationToken)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return null;
        }

        var status = InstanceStatus.From(metadata);
        if (!showInput)
        {
            status = status with { Input = null };
        }

        if (showHistory)
        {
            var steps = await history.ReadAsync(instanceId, cancellationToken);
            status = status with { HistoryEvents = steps.Steps, Children = steps.Children };
        }

        return status;
    }

    private static async Task<IResult> StartAsync(
        string name, string? instanceId, HttpRequest request, DurableTaskClient client, TaskRegistry registry, IOptions<DurableHttpOptions> options,
        CancellationToken cancellationToken)
    {
        var startable = options.Value.Startable;
        if (!startable.Contains(name, StringComparer.Ordinal) || !registry.Orchestrators.TryGetValue(name, out var type))
        {
            // Sub-orchestrations and diagnostics exist but are no entry point: the same answer as an unknown name.
            return Problem(StatusCodes.Status404NotFound, "No orchestrator of that name can be started over HTTP", $"Startable: {string.Join(", ", startable)}");
        }

        object? input = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var limit = options.Value.MaxBodyBytes;
            var body = request.ContentLength > limit ? null : await ReadBoundedAsync(request.Body, limit, cancellationToken);
            if (body is null)
            {
                return Problem(StatusCodes.Status413PayloadTooLarge, "The input is too large", $"At most {limit} bytes.");
            }

            if (ReadInput(body, InputTypeOf(type), out input) is { } refusal)
            {
                return refusal;
            }
        }

        try
        {
            var id = await client.ScheduleNewOrchestrationInstanceAsync(
                name, input, instanceId is null ? null : new StartOrchestrationOptions(instanceId), cancellationToken);
            var links = CheckStatusFor(request, id);
            return TypedResults.Accepted(links.StatusQueryGetUri, links);
        }
        catch (InvalidOperationException e)
        {
            return Problem(StatusCodes.Status409Conflict, $"Instance '{instanceId}' is still active", e.Message);
        }
        catch (ArgumentException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid start request", e.Message);
        }
    }

    private static async Task<IResult> GetStatusAsync(
        string instanceId, DurableTaskClient client, InstanceHistory history, CancellationToken cancellationToken, bool showHistory = false, bool showInput = true)
    {
        var status = await ReadStatusAsync(client, history, instanceId, showHistory, showInput, cancellationToken);
        if (status is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null);
        }

        return IsTerminal(status.RuntimeStatus) ? TypedResults.Ok(status) : TypedResults.Json(status, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(
        HttpRequest request, HttpResponse response, DurableTaskClient client, CancellationToken cancellationToken,
        string? runtimeStatus = null, DateTimeOffset? createdTimeFrom = null, DateTimeOffset? createdTimeTo = null, int top = 100, bool showInput = false)
    {
        if (!TryParseStatuses(runtimeStatus, out var statuses))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid runtimeStatus", $"Use a comma-separated list of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}.");
        }

        if (top is < 1 or > 1000)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid top", "top is between 1 and 1000.");
        }

        var query = new OrchestrationQuery
        {
            Statuses = statuses,
            CreatedFrom = createdTimeFrom,
            CreatedTo = createdTimeTo,
            PageSize = top,
            FetchInputsAndOutputs = true,
            ContinuationToken = request.Headers["x-ms-continuation-token"].FirstOrDefault(),
        };
        if (query.ContinuationToken is { } token && !IsWellFormedToken(token))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid continuation token", "Send back the x-ms-continuation-token of a previous answer unchanged.");
        }

        try
        {
            await foreach (var page in client.GetAllInstancesAsync(query).AsPages(query.ContinuationToken, top).WithCancellation(cancellationToken))
            {
                if (page.ContinuationToken is { } next)
                {
                    response.Headers["x-ms-continuation-token"] = next;
                }

                return TypedResults.Ok(page.Values.Select(m => InstanceStatus.From(m) is var s && showInput ? s : s with { Input = null }).ToList());
            }
        }
        catch (Exception e) when (query.ContinuationToken is not null && e is FormatException or ArgumentException or JsonException or OverflowException
            or InvalidOperationException || e.GetType().Name.Contains("Json", StringComparison.Ordinal))
        {
            // The provider reads its own token format; one it cannot read is the caller's, not a server fault.
            return Problem(StatusCodes.Status400BadRequest, "Invalid continuation token", "Send back the x-ms-continuation-token of a previous answer unchanged.");
        }

        return TypedResults.Ok(Array.Empty<InstanceStatus>());
    }

    /// <summary>
    /// Reads a start body as <paramref name="inputType"/>: strict JSON (no member the type lacks), then the type's bounds
    /// (searches per run, pages per search, probe size). Null when it fits, else the 400 problem naming the fields.
    /// </summary>
    public static IResult? ReadInput(byte[] body, Type inputType, out object? input) =>
        StartInput.Read(body, inputType, out input) is { } refusal
            ? refusal.Errors is { } errors
                ? TypedResults.ValidationProblem(errors, title: refusal.Title)
                : Problem(StatusCodes.Status400BadRequest, refusal.Title, refusal.Detail)
            : null;

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (a chunked body announces no length).</summary>
    public static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Tokens are short printable text; anything else is refused before it reaches the store.</summary>
    private static bool IsWellFormedToken(string token) => token.Length is > 0 and <= 4_096 && token.All(c => c is > ' ' and < '\x7f');

    /// <summary>An instance id in a route must be one the store can key: bounded, printable, without the characters its keys refuse.</summary>
    internal static bool IsWellFormedInstanceId(string id) =>
        id.Length is > 0 and <= MaxInstanceIdLength && !id.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?');

    private static async ValueTask<object?> RefuseMalformedIdAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        if (invocation.HttpContext.Request.RouteValues.TryGetValue("instanceId", out var value) && value is string id && !IsWellFormedInstanceId(id))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid instance id", $"An instance id is 1 to {MaxInstanceIdLength} printable characters without / \\ # or ?.");
        }

        return await next(invocation);
    }

    private static async Task<IResult> TerminateAsync(string instanceId, DurableTaskClient client, CancellationToken cancellationToken, string? reason = null)
    {
        var metadata = await client.GetInstanceAsync(instanceId, cancellationToken);
        if (metadata is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null);
        }

        if (metadata.IsCompleted)
        {
            return Problem(StatusCodes.Status410Gone, "The instance has already finished", null);
        }

        await client.TerminateInstanceAsync(instanceId, reason, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> RewindAsync(string instanceId, DurableTaskClient client, CancellationToken cancellationToken, string? reason = null)
    {
        try
        {
            await client.RewindInstanceAsync(instanceId, reason ?? "rewound over HTTP", cancellationToken);
            return TypedResults.Accepted((string?)null);
        }
        catch (ArgumentException)
        {
            return Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null);
        }
        catch (InvalidOperationException e)
        {
            return Problem(StatusCodes.Status410Gone, "Only a failed instance can be rewound", e.Message);
        }
    }

    private static Task<IResult> RestartAsync(string instanceId, HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken) =>
        RestartInstanceAsync(client, instanceId, id =>
        {
            var links = CheckStatusFor(request, id);
            return (links.StatusQueryGetUri, links);
        }, cancellationToken);

    /// <summary>
    /// Restarts a finished instance under the same id with its input, whichever host serves the request: 202 with the
    /// host's status links (<paramref name="links"/>: the status URI and the payload for an instance id), 404 for an
    /// unknown instance, 409 for one still running, 501 when the engine's client cannot restart.
    /// </summary>
    public static async Task<IResult> RestartInstanceAsync(
        DurableTaskClient client, string instanceId, Func<string, (string? StatusUri, object Payload)> links, CancellationToken cancellationToken)
    {
        try
        {
            var id = await client.RestartAsync(instanceId, restartWithNewInstanceId: false, cancellationToken);
            var (statusUri, payload) = links(id);
            return TypedResults.Accepted(statusUri, payload);
        }
        catch (ArgumentException)
        {
            return Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null);
        }
        catch (InvalidOperationException e)
        {
            return Problem(StatusCodes.Status409Conflict, "Only a finished instance can be restarted", e.Message);
        }
        catch (NotSupportedException e)
        {
            return Problem(StatusCodes.Status501NotImplemented, "This engine cannot restart an instance", e.Message);
        }
    }

    private static async Task<IResult> PurgeAsync(string instanceId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken);
            return result.PurgedInstanceCount == 0
                ? Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null)
                : TypedResults.Ok(new PurgeResponse(result.PurgedInstanceCount));
        }
        catch (InvalidOperationException)
        {
            return Problem(StatusCodes.Status409Conflict, "The instance is still running", "Terminate it first.");
        }
    }

    private static async Task<IResult> PurgeManyAsync(
        DurableTaskClient client, CancellationToken cancellationToken, DateTimeOffset? createdTimeFrom = null, DateTimeOffset? createdTimeTo = null, string? runtimeStatus = null)
    {
        if (createdTimeTo is null || !TryParseStatuses(runtimeStatus, out var statuses))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid purge request", "createdTimeTo is required; runtimeStatus is an optional comma-separated list.");
        }

        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(createdTimeFrom, createdTimeTo, statuses), cancellation: cancellationToken);
        return result.PurgedInstanceCount == 0
            ? Problem(StatusCodes.Status404NotFound, "No instance matched", null)
            : TypedResults.Ok(new PurgeResponse(result.PurgedInstanceCount));
    }

    /// <summary>Whether an instance in <paramref name="status"/> has finished for good.</summary>
    public static bool IsTerminal(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    private static Type InputTypeOf(Type orchestrator)
    {
        for (var t = orchestrator; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(TaskOrchestrator<,>))
            {
                return t.GetGenericArguments()[0];
            }
        }

        return typeof(JsonElement);
    }

    internal static bool TryParseStatuses(string? text, out IReadOnlyList<OrchestrationRuntimeStatus>? statuses)
    {
        statuses = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var parsed = new List<OrchestrationRuntimeStatus>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var status) || int.TryParse(part, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }

            parsed.Add(status);
        }

        statuses = parsed;
        return true;
    }

    private static ProblemHttpResult Problem(int status, string title, string? detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);
}

/// <summary>The 202 body of a start, as Durable Functions returns it.</summary>
public sealed record CheckStatusResponse(string Id, string StatusQueryGetUri, string TerminatePostUri, string RewindPostUri, string PurgeHistoryDeleteUri, string RestartPostUri);

/// <summary>The body of a purge.</summary>
public sealed record PurgeResponse(int InstancesDeleted);
