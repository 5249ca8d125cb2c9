using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Vinted.Monitoring.Insights;

/// <summary>
/// The insight endpoints' answers, whichever host serves them: <c>/api/insights/{name}</c> for each name of
/// <see cref="Names"/>. Each checks the query (400 naming the failing parameters), resolves the date range against the
/// mart and asks the store, here, so the self-host and the Azure Functions app cannot answer differently.
/// </summary>
public static class InsightEndpoints
{
    private delegate Task<IResult> Answer(InsightQuery query, InsightsStore store, CancellationToken cancellationToken);

    private static readonly FrozenDictionary<string, Answer> Answers = new Dictionary<string, Answer>(StringComparer.Ordinal)
    {
        ["filters"] = async (_, store, cancellationToken) => TypedResults.Ok(await store.FiltersAsync(cancellationToken)),
        ["price-trend"] = (query, store, cancellationToken) => RunAsync(query, requireCurrency: true, store, cancellationToken, async (filter, from, to) =>
            new PriceTrend(filter.Currency!, from, to, from > to ? [] : await store.PriceTrendAsync(filter, from, to, cancellationToken))),
        ["price-distribution"] = (query, store, cancellationToken) => RunAsync(query, requireCurrency: true, store, cancellationToken, async (filter, from, to) =>
            from > to ? new PriceDistribution(filter.Currency!, from, to, 0, []) : await store.PriceDistributionAsync(filter, from, to, cancellationToken)),
        ["new-vs-vanished"] = (query, store, cancellationToken) => RunAsync(query, requireCurrency: false, store, cancellationToken, async (filter, from, to) =>
            new NewVsVanished(filter.Currency, from, to, from > to ? [] : await store.NewVsVanishedAsync(filter, from, to, cancellationToken))),
        ["time-to-sell"] = (query, store, cancellationToken) => RunAsync(query, requireCurrency: false, store, cancellationToken, async (filter, from, to) =>
        {
            var rows = from > to ? [] : await store.TimeToSellAsync(filter, from, to, cancellationToken);
            var seen = rows.Where(r => r.Basis == "first_seen").Select(r => new DayCount(r.Days, r.Listings)).ToList();
            var listed = rows.Where(r => r.Basis == "listed").Select(r => new DayCount(r.Days, r.Listings)).ToList();
            var vanished = rows.Where(r => r.Basis == "vanished").Sum(r => r.Listings);
            return new TimeToSell(filter.Currency, from, to, vanished, Median(seen), seen, listed);
        }),
        ["top-brands"] = (query, store, cancellationToken) => RunAsync(query, requireCurrency: true, store, cancellationToken, async (filter, from, to) =>
            new TopBrands(filter.Currency!, from, to, from > to ? [] : await store.TopBrandsAsync(filter, from, to, cancellationToken))),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The endpoints' names, each the last segment of its route.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Answers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The answer of the endpoint <paramref name="name"/> to the request's query; 404 for a name that is none.</summary>
    public static Task<IResult> AnswerAsync(string name, IQueryCollection query, InsightsStore store, CancellationToken cancellationToken) =>
        Answers.TryGetValue(name, out var answer)
            ? answer(ReadQuery(query), store, cancellationToken)
            : Task.FromResult<IResult>(TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "No such insight", detail: $"The insights are {string.Join(", ", Names)}."));

    /// <summary>
    /// The query string every insight endpoint shares, as sent (names as in the query, any case; the first value of
    /// a repeated parameter): checked later by <see cref="InsightQuery.TryParse"/>.
    /// </summary>
    public static InsightQuery ReadQuery(IQueryCollection query)
    {
        string? Value(string name) => query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
        return new InsightQuery(Value("domain"), Value("brand"), Value("catalog"), Value("currency"), Value("from"), Value("to"), Value("bins"), Value("top"));
    }

    /// <summary>Checks the query (400 with the failing parameters), resolves the date range, then answers.</summary>
    private static async Task<IResult> RunAsync<T>(
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
