using Microsoft.DurableTask.Client;
using Vinted.Monitoring.Health;

namespace Vinted.SelfHost.Health;

/// <summary>
/// Liveness (<c>GET /health/live</c>) and readiness (<c>GET /health/ready</c>) with no key: probes carry none. The
/// answers are <see cref="Readiness"/>'s, which the Azure Functions app serves too; here the engine's store is this
/// host's own engine.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Readiness.Live());
        app.MapGet("/health/ready", (Readiness readiness, DurableTaskClient client, CancellationToken cancellationToken) => readiness.ReadyAsync(client, cancellationToken));
        return app;
    }
}
