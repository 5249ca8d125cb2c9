using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Vinted.Api.Options;

namespace Vinted.Api.Http;

/// <summary>
/// Everything the client keeps per domain: its settings, rate limiter, pipeline and routes (direct, or one per proxy,
/// each with its session). The routes are used in turn; one that cools down is skipped, and when every route of the
/// domain cools down the domain's circuit is open: nothing is sent until the first cool-down ends.
/// </summary>
internal sealed class DomainChannel : IDisposable
{
    private readonly RateLimiter _limiter;
    private long _next = -1;

    public DomainChannel(string domain, VintedDomainOptions options, string userAgent, HttpClient direct, TimeProvider timeProvider, ILogger logger)
    {
        Domain = domain;
        Options = options;
        UserAgent = options.UserAgent ?? userAgent;
        SiteBase = options.SiteBaseFor(domain);
        ApiBase = options.ApiBaseFor(domain);
        _limiter = VintedResilience.CreateRateLimiter(options.RequestsPerSecond, options.RateLimiterQueueLimit);
        Pipeline = VintedResilience.Build(domain, options, _limiter, timeProvider, logger);
        Routes = options.Proxies.Count == 0 ? [ProxyRoute.Direct(direct)] : options.Proxies.Select(ProxyRoute.Through).ToList();
    }

    public string Domain { get; }

    public VintedDomainOptions Options { get; }

    public string UserAgent { get; }

    public Uri SiteBase { get; }

    public Uri ApiBase { get; }

    public ResiliencePipeline<HttpAttempt> Pipeline { get; }

    public IReadOnlyList<ProxyRoute> Routes { get; }

    /// <summary>The next route that is not cooling down, in turn; null when every route cools down (the domain's circuit is open).</summary>
    public ProxyRoute? NextRoute(DateTimeOffset now)
    {
        var start = Interlocked.Increment(ref _next);
        for (var i = 0; i < Routes.Count; i++)
        {
            var route = Routes[(int)((start + i) % Routes.Count)];
            if (!route.IsCooling(now))
            {
                return route;
            }
        }

        return null;
    }

    /// <summary>When the first route of the domain comes back.</summary>
    public DateTimeOffset ReopensAt => Routes.Min(r => r.CoolingUntil);

    public void Dispose()
    {
        _limiter.Dispose();
        foreach (var route in Routes)
        {
            route.Dispose();
        }
    }
}
