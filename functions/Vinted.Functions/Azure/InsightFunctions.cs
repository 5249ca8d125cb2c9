using Microsoft.Azure.Functions.Worker;
using Vinted.Monitoring.Insights;

namespace Vinted.Functions.Azure;

/// <summary>
/// The insight endpoints (<c>GET /api/insights/{name}</c>: filters, price-trend, price-distribution, new-vs-vanished,
/// time-to-sell, top-brands), answered by <see cref="InsightEndpoints"/> as in the self-host. One function serves every
/// name; a name that is none is a 404 problem, as the self-host's unmatched route is.
/// </summary>
public sealed class InsightFunctions(InsightsStore store)
{
    [Function("Insights")]
    public Task<IResult> InsightsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/insights/{name}")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        InsightEndpoints.AnswerAsync(name, request.Query, store, cancellationToken);
}
