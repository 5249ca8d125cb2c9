using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vinted.Api;
using Vinted.Api.Http;
using Vinted.ObjectStore;

namespace Vinted.Monitoring.Health;

/// <summary>
/// Liveness (the process answers) and readiness (PostgreSQL, the object store (S3 or Azure Blob) and the engine's store
/// answer, each within <see cref="CheckTimeout"/>), whichever host serves them: the self-host passes the client of its
/// own engine, the Azure Functions app the Durable extension's client. Probes carry no key, so the answers say only
/// each dependency's state and how long it took, never an error text, host or setting; readiness also lists the
/// health of every route to Vinted used so far (proxy by scheme, host and port: requests, blocks, failures, cool-down).
/// </summary>
public sealed partial class Readiness(NpgsqlDataSource dataSource, IObjectStore store, VintedClient vinted, ILogger<Readiness> logger)
{
    /// <summary>How long one dependency may take before it counts as down.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The answer of <c>GET /health/live</c>: 200, healthy, nothing checked.</summary>
    public static IResult Live() => TypedResults.Ok(new HealthAnswer("Healthy", [], []));

    /// <summary>The answer of <c>GET /health/ready</c>: 200 when every dependency answered, else 503.</summary>
    public async Task<IResult> ReadyAsync(DurableTaskClient engine, CancellationToken cancellationToken)
    {
        // In parallel, so that one dependency timing out costs CheckTimeout once, not per check.
        HealthEntry[] checks = await Task.WhenAll(
            CheckAsync("postgresql", async token =>
            {
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(token);
            }, cancellationToken),
            CheckAsync("object-store", store.CheckAsync, cancellationToken),
            CheckAsync("engine-store", async token =>
            {
                // One page of one instance, through the backend-agnostic client.
                await foreach (var _ in engine.GetAllInstancesAsync(new OrchestrationQuery { PageSize = 1 }).AsPages(pageSizeHint: 1).WithCancellation(token))
                {
                    break;
                }
            }, cancellationToken));

        // The routes to Vinted are information, not readiness: a blocked proxy cools down while the host serves on.
        var healthy = checks.All(c => c.Status == Healthy);
        var answer = new HealthAnswer(healthy ? Healthy : Unhealthy, checks, vinted.RouteHealth());
        return TypedResults.Json(answer, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private const string Healthy = "Healthy";

    private const string Unhealthy = "Unhealthy";

    private async Task<HealthEntry> CheckAsync(string name, Func<CancellationToken, Task> check, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        var status = Healthy;
        try
        {
            await check(timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The log has the cause; the answer, which anyone may read, has only the state.
            LogCheckFailed(e, name);
            status = Unhealthy;
        }

        return new HealthEntry(name, status, Math.Round(watch.Elapsed.TotalMilliseconds, 1));
    }

    [LoggerMessage(950, LogLevel.Warning, "Readiness check {Check} failed")]
    private partial void LogCheckFailed(Exception exception, string check);
}

/// <summary>A health answer: the overall state, each check's state and duration in milliseconds, and the routes to Vinted.</summary>
public sealed record HealthAnswer(string Status, IReadOnlyList<HealthEntry> Checks, IReadOnlyList<ProxyHealth> Routes);

/// <summary>One dependency's state.</summary>
public sealed record HealthEntry(string Name, string Status, double Milliseconds);
