using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Vinted.Hosting.Security;
using Vinted.Orchestration.Client;

namespace Vinted.Orchestration.Http;

/// <summary>
/// The HTTP surface of Durable Functions: the starter (<c>POST /api/orchestrators/{name}</c>) and the
/// instance management API under <c>/runtime/webhooks/durabletask/instances</c>, with the same routes,
/// status codes and bodies. Every endpoint needs a function key; terminate, rewind and purge need the admin key.
/// </summary>
public static class DurableHttpApi
{
    private const string Instances = "/runtime/webhooks/durabletask/instances";

    public static IEndpointRouteBuilder MapDurableApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orchestrators/{name}/{instanceId?}", StartAsync).RequireFunctionKey();

        var instances = app.MapGroup(Instances);
        instances.MapGet("/", ListAsync).RequireFunctionKey();
        instances.MapGet("/{instanceId}", GetStatusAsync).RequireFunctionKey();
        instances.MapPost("/{instanceId}/terminate", TerminateAsync).RequireFunctionKey(KeyLevel.Admin);
        instances.MapPost("/{instanceId}/rewind", RewindAsync).RequireFunctionKey(KeyLevel.Admin);
        instances.MapDelete("/{instanceId}", PurgeAsync).RequireFunctionKey(KeyLevel.Admin);
        instances.MapDelete("/", PurgeManyAsync).RequireFunctionKey(KeyLevel.Admin);
        return app;
    }

    /// <summary>The management links of an instance, as Durable Functions' CreateCheckStatusResponse returns them.</summary>
    public static CheckStatusResponse CheckStatusFor(HttpRequest request, string instanceId)
    {
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}{Instances}/{Uri.EscapeDataString(instanceId)}";
        return new CheckStatusResponse(instanceId, root, $"{root}/terminate?reason={{text}}", $"{root}/rewind?reason={{text}}", root);
    }

    private static async Task<IResult> StartAsync(
        string name, string? instanceId, HttpRequest request, DurableClient client, OrchestrationRegistry registry, CancellationToken cancellationToken)
    {
        if (!registry.HasOrchestrator(name))
        {
            return Problem(StatusCodes.Status404NotFound, $"No orchestrator named '{name}'", $"Known: {string.Join(", ", registry.OrchestratorNames)}");
        }

        JsonElement? input = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                input = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException e)
            {
                return Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON", e.Message);
            }
        }

        try
        {
            var id = await client.StartNewAsync(name, input, instanceId, cancellationToken);
            var links = CheckStatusFor(request, id);
            return TypedResults.Accepted(links.StatusQueryGetUri, links);
        }
        catch (ArgumentException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid start request", e.Message);
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "The input does not fit the orchestrator", e.Message);
        }
    }

    private static async Task<IResult> GetStatusAsync(
        string instanceId, DurableClient client, CancellationToken cancellationToken, bool showHistory = false, bool showInput = true)
    {
        var status = await client.GetStatusAsync(instanceId, showHistory, showInput, cancellationToken);
        if (status is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null);
        }

        return status.RuntimeStatus.IsTerminal() ? TypedResults.Ok(status) : TypedResults.Json(status, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(
        HttpRequest request, HttpResponse response, DurableClient client, CancellationToken cancellationToken,
        string? runtimeStatus = null, DateTimeOffset? createdTimeFrom = null, DateTimeOffset? createdTimeTo = null, int top = 100, bool showInput = false)
    {
        if (!TryParseStatuses(runtimeStatus, out var statuses))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid runtimeStatus", $"Use a comma-separated list of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}.");
        }

        try
        {
            var page = await client.ListAsync(
                new InstanceFilter
                {
                    RuntimeStatus = statuses,
                    CreatedTimeFrom = createdTimeFrom,
                    CreatedTimeTo = createdTimeTo,
                    Top = top,
                    ShowInput = showInput,
                    ContinuationToken = request.Headers["x-ms-continuation-token"].FirstOrDefault(),
                },
                cancellationToken);
            if (page.ContinuationToken is { } next)
            {
                response.Headers["x-ms-continuation-token"] = next;
            }

            return TypedResults.Ok(page.Instances);
        }
        catch (ArgumentException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid listing request", e.Message);
        }
    }

    private static async Task<IResult> TerminateAsync(string instanceId, DurableClient client, CancellationToken cancellationToken, string? reason = null)
    {
        if (await client.TerminateAsync(instanceId, reason, cancellationToken))
        {
            return TypedResults.Accepted((string?)null);
        }

        return await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken) is null
            ? Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null)
            : Problem(StatusCodes.Status410Gone, "The instance has already finished", null);
    }

    private static async Task<IResult> RewindAsync(string instanceId, DurableClient client, CancellationToken cancellationToken, string? reason = null)
    {
        if (await client.RewindAsync(instanceId, reason, cancellationToken))
        {
            return TypedResults.Accepted((string?)null);
        }

        return await client.GetStatusAsync(instanceId, showInput: false, cancellationToken: cancellationToken) is null
            ? Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null)
            : Problem(StatusCodes.Status410Gone, "Only a failed instance can be rewound", null);
    }

    private static async Task<IResult> PurgeAsync(string instanceId, DurableClient client, CancellationToken cancellationToken) =>
        await client.PurgeAsync(instanceId, cancellationToken) switch
        {
            null => Problem(StatusCodes.Status404NotFound, $"No instance '{instanceId}'", null),
            false => Problem(StatusCodes.Status409Conflict, "The instance is still running", "Terminate it first."),
            true => TypedResults.Ok(new PurgeResult(1)),
        };

    private static async Task<IResult> PurgeManyAsync(
        DurableClient client, CancellationToken cancellationToken, DateTimeOffset? createdTimeFrom = null, DateTimeOffset? createdTimeTo = null, string? runtimeStatus = null)
    {
        if (createdTimeTo is null || !TryParseStatuses(runtimeStatus, out var statuses))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid purge request", "createdTimeTo is required; runtimeStatus is an optional comma-separated list.");
        }

        var deleted = await client.PurgeAsync(createdTimeFrom, createdTimeTo.Value, statuses, cancellationToken);
        return deleted == 0 ? Problem(StatusCodes.Status404NotFound, "No instance matched", null) : TypedResults.Ok(new PurgeResult(deleted));
    }

    private static bool TryParseStatuses(string? text, out IReadOnlyList<OrchestrationRuntimeStatus>? statuses)
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
public sealed record CheckStatusResponse(string Id, string StatusQueryGetUri, string TerminatePostUri, string RewindPostUri, string PurgeHistoryDeleteUri);

/// <summary>The body of a purge.</summary>
public sealed record PurgeResult(int InstancesDeleted);
