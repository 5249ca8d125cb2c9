using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Vinted.Api;
using Vinted.Api.Http;
using Vinted.ObjectStore;

namespace Vinted.SelfHost.Health;

/// <summary>
/// Liveness (<c>GET /health/live</c>: the process answers) and readiness (<c>GET /health/ready</c>: PostgreSQL, the object
/// store (S3 or Azure Blob) and the engine's store answer, each within <see cref="CheckTimeout"/>). No key: probes carry none, and the
/// answers say only each dependency's state and how long it took, never an error text, host or setting; readiness also
/// lists the health of every route to Vinted used so far (proxy by scheme, host and port: requests, blocks, failures, cool-down).
/// </summary>
public static class HealthEndpoints
{
    /// <summary>How long one dependency may take before it counts as down.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PostgresCheck>("postgresql", tags: ["ready"], timeout: CheckTimeout)
            .AddCheck<ObjectStoreCheck>("object-store", tags: ["ready"], timeout: CheckTimeout)
            .AddCheck<EngineStoreCheck>("engine-store", tags: ["ready"], timeout: CheckTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new HealthAnswer("Healthy", [], [])));
        app.MapGet("/health/ready", async (HealthCheckService health, VintedClient vinted, CancellationToken cancellationToken) =>
        {
            var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), cancellationToken);

            // The routes to Vinted are information, not readiness: a blocked proxy cools down while the host serves on.
            var answer = new HealthAnswer(
                report.Status.ToString(),
                report.Entries.Select(e => new HealthEntry(e.Key, e.Value.Status.ToString(), Math.Round(e.Value.Duration.TotalMilliseconds, 1))).ToList(),
                vinted.RouteHealth());
            return TypedResults.Json(answer, statusCode: report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    private sealed class PostgresCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
    }

    /// <summary>The bucket or container exists and the configured credentials reach it.</summary>
    private sealed class ObjectStoreCheck(IObjectStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            await store.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
    }

    /// <summary>The engine's store through the backend-agnostic client: one page of one instance.</summary>
    private sealed class EngineStoreCheck(DurableTaskClient client) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            await foreach (var _ in client.GetAllInstancesAsync(new OrchestrationQuery { PageSize = 1 }).AsPages(pageSizeHint: 1).WithCancellation(cancellationToken))
            {
                break;
            }

            return HealthCheckResult.Healthy();
        }
    }
}

/// <summary>A health answer: the overall state, each check's state and duration in milliseconds, and the routes to Vinted.</summary>
public sealed record HealthAnswer(string Status, IReadOnlyList<HealthEntry> Checks, IReadOnlyList<ProxyHealth> Routes);

/// <summary>One dependency's state.</summary>
public sealed record HealthEntry(string Name, string Status, double Milliseconds);
