using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Vinted.Monitoring.Health;

namespace Vinted.Functions.Azure;

/// <summary>
/// Liveness and readiness at the self-host's routes, anonymous as there (probes carry no key), answered by
/// <see cref="Readiness"/>; the engine's store is checked through the Durable extension's client, so readiness covers
/// the task hub in the storage account.
/// </summary>
public sealed class HealthFunctions(Readiness readiness)
{
    [Function("HealthLive")]
    public static IResult Live([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/live")] HttpRequest request) => Readiness.Live();

    [Function("HealthReady")]
    public Task<IResult> ReadyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/ready")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        readiness.ReadyAsync(client, cancellationToken);
}
