using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Vinted.Api;

/// <summary>
/// The client's traces and metrics (<see cref="Name"/> as ActivitySource and Meter): a span per page with its domain,
/// route and outcome, requests per route and outcome, page durations, route cool-downs. Exported only when a host
/// configures OpenTelemetry; tags hold no URL, token or credential.
/// </summary>
public static class VintedTelemetry
{
    public const string Name = "Vinted.Api";

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>("vinted.api.requests", description: "HTTP attempts to Vinted, by domain, route and status class");

    internal static readonly Histogram<double> PageDuration = Meter.CreateHistogram<double>("vinted.api.page.duration", "s", "One page fetch, retries, rotations and session included, by domain and outcome");

    internal static readonly Counter<long> CoolDowns = Meter.CreateCounter<long>("vinted.api.route.cooldowns", description: "Routes (proxies or direct) cooled down, by domain, route and reason");

    /// <summary>A status as a low-cardinality outcome tag.</summary>
    internal static string Outcome(int status) => status switch
    {
        >= 200 and < 300 => "ok",
        401 => "unauthorized",
        403 => "forbidden",
        429 => "rate_limited",
        >= 500 => "server_error",
        _ => "client_error",
    };
}
