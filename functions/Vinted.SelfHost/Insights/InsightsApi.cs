using Vinted.Monitoring.Insights;
using Microsoft.AspNetCore.Http.HttpResults;
using Vinted.Orchestration.Http.Security;

namespace Vinted.SelfHost.Insights;

/// <summary>
/// Market insights from the mart, for the insight page and anyone with a function key: <c>/api/insights/filters</c>,
/// <c>price-trend</c>, <c>price-distribution</c>, <c>new-vs-vanished</c>, <c>time-to-sell</c> and <c>top-brands</c>.
/// Filters: <c>domain</c>, <c>brand</c> (title), <c>catalog</c> (id), <c>currency</c>, <c>from</c>/<c>to</c>
/// (yyyy-MM-dd; default the 90 days up to the newest snapshot). Endpoints that report prices need a currency.
/// </summary>
public static class InsightsApi
{
    public static IEndpointRouteBuilder MapInsightsApi(this IEndpointRouteBuilder app)
    {
        var insights = app.MapGroup("/api/insights").RequireFunctionKey();
        insights.MapGet("/filters", async (InsightsStore store, CancellationToken cancellationToken) => TypedResults.Ok(await store.FiltersAsync(cancellationToken)));
        insights.MapGet("/price-trend", PriceTrendAsync);
        insights.MapGet("/price-distribution", PriceDistributionAsync);
        insights.MapGet("/new-vs-vanished", NewVsVanishedAsync);
        insights.MapGet("/time-to-sell", TimeToSellAsync);
        insights.MapGet("/top-brands", TopBrandsAsync);
        return app;
    }

    private static Task<Results<Ok<PriceTrend>, ValidationProblem>> PriceTrendAsync([AsParameters] InsightQuery query, InsightsStore store, CancellationToken cancellationToken) =>
        RunAsync(query, requireCurrency: true, store, cancellationToken, async (filter, from, to) =>
            new PriceTrend(filter.Currency!, from, to, from > to ? [] : await store.PriceTrendAsync(filter, from, to, cancellationToken)));

    private static Task<Results<Ok<PriceDistribution>, ValidationProblem>> PriceDistributionAsync([AsParameters] InsightQuery query, InsightsStore store, CancellationToken cancellationToken) =>
        RunAsync(query, requireCurrency: true, store, cancellationToken, async (filter, from, to) =>
            from > to ? new PriceDistribution(filter.Currency!, from, to, 0, []) : await store.PriceDistributionAsync(filter, from, to, cancellationToken));

    private static Task<Results<Ok<NewVsVanished>, ValidationProblem>> NewVsVanishedAsync([AsParameters] InsightQuery query, InsightsStore store, CancellationToken cancellationToken) =>
        RunAsync(query, requireCurrency: false, store, cancellationToken, async (filter, from, to) =>
            new NewVsVanished(filter.Currency, from, to, from > to ? [] : await store.NewVsVanishedAsync(filter, from, to, cancellationToken)));

    private static Task<Results<Ok<TimeToSell>, ValidationProblem>> TimeToSellAsync([AsParameters] InsightQuery query, InsightsStore store, CancellationToken cancellationToken) =>
        RunAsync(query, requireCurrency: false, store, cancellationToken, async (filter, from, to) =>
        {
            var rows = from > to ? [] : await store.TimeToSellAsync(filter, from, to, cancellationToken);
            var seen = rows.Where(r => r.Basis == "first_seen").Select(r => new DayCount(r.Days, r.Listings)).ToList();
            var listed = rows.Where(r => r.Basis == "listed").Select(r => new DayCount(r.Days, r.Listings)).ToList();
            var vanished = rows.Where(r => r.Basis == "vanished").Sum(r => r.Listings);
            return new TimeToSell(filter.Currency, from, to, vanished, Median(seen), seen, listed);
        });

    private static Task<Results<Ok<TopBrands>, ValidationProblem>> TopBrandsAsync([AsParameters] InsightQuery query, InsightsStore store, CancellationToken cancellationToken) =>
        RunAsync(query, requireCurrency: true, store, cancellationToken, async (filter, from, to) =>
            new TopBrands(filter.Currency!, from, to, from > to ? [] : await store.TopBrandsAsync(filter, from, to, cancellationToken)));

    /// <summary>Checks the query (400 with the failing parameters), resolves the date range, then answers.</summary>
    private static async Task<Results<Ok<T>, ValidationProblem>> RunAsync<T>(
        InsightQuery query, bool requireCurrency, InsightsStore store, CancellationToken cancellationToken, Func<InsightFilter, DateOnly, DateOnly, Task<T>> answer)
    {
        if (!query.TryParse(requireCurrency, out var filter, out var errors))
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid insight query");
        }

        // An empty mart answers an empty result over an empty range (from after to) rather than an error.
        var (from, to) = await store.ResolveRangeAsync(filter, cancellationToken) ?? (DateOnly.MaxValue, DateOnly.MinValue);
        return TypedResults.Ok(await answer(filter, from, to));
    }

    /// <summary>The median day of a histogram of days (lower median).</summary>
    private static double? Median(IReadOnlyList<DayCount> histogram)
    {
        var total = histogram.Sum(h => h.Listings);
        if (total == 0)
        {
            return null;
        }

        long seen = 0;
        foreach (var bucket in histogram.OrderBy(h => h.Days))
        {
            seen += bucket.Listings;
            if (seen * 2 >= total)
            {
                return bucket.Days;
            }
        }

        return null;
    }
}
