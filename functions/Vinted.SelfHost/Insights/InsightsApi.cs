using Vinted.Monitoring.Insights;
using Vinted.Orchestration.Http.Security;

namespace Vinted.SelfHost.Insights;

/// <summary>
/// Market insights from the mart, for the insight page and anyone with a function key: <c>/api/insights/filters</c>,
/// <c>price-trend</c>, <c>price-distribution</c>, <c>new-vs-vanished</c>, <c>time-to-sell</c> and <c>top-brands</c>.
/// Filters: <c>domain</c>, <c>brand</c> (title), <c>catalog</c> (id), <c>currency</c>, <c>from</c>/<c>to</c>
/// (yyyy-MM-dd; default the 90 days up to the newest snapshot). Endpoints that report prices need a currency. The
/// answers are <see cref="InsightEndpoints"/>'s, which the Azure Functions app serves too.
/// </summary>
public static class InsightsApi
{
    public static IEndpointRouteBuilder MapInsightsApi(this IEndpointRouteBuilder app)
    {
        var insights = app.MapGroup("/api/insights").RequireFunctionKey();
        foreach (var name in InsightEndpoints.Names)
        {
            insights.MapGet($"/{name}", (HttpRequest request, InsightsStore store, CancellationToken cancellationToken) =>
                InsightEndpoints.AnswerAsync(name, request.Query, store, cancellationToken));
        }

        return app;
    }
}
