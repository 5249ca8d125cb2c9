using System.Net;
using System.Threading.RateLimiting;
using Vinted.Api.Options;

namespace Vinted.Api.Http;

/// <summary>
/// One way out to a domain: direct, or through one proxy. Vinted ties a session to the address that opened it, so
/// each route keeps its own session; it has its own rate limit, and its health: a route that was blocked or could not
/// be reached cools down and is skipped until then.
/// </summary>
internal sealed class ProxyRoute : IDisposable
{
    private readonly SemaphoreSlim _sessionLock = new(1, 1);
    private readonly HttpClient? _ownClient;
    private VintedSession? _session;
    private long _coolUntilTicks;
    private long _requests;
    private long _blocks;
    private long _failures;

    private ProxyRoute(string name, HttpClient http, HttpClient? ownClient, RateLimiter? limiter)
    {
        Name = name;
        Http = http;
        _ownClient = ownClient;
        Limiter = limiter;
    }

    /// <summary>Scheme, host and port of the proxy, or <c>direct</c>; never credentials.</summary>
    public string Name { get; }

    public HttpClient Http { get; }

    /// <summary>The proxy's own rate limit; null for the direct route (the domain's limit applies to every route).</summary>
    public RateLimiter? Limiter { get; }

    public static ProxyRoute Direct(HttpClient http) => new("direct", http, null, null);

    public static ProxyRoute Through(ProxyOptions proxy)
    {
        var handler = VintedClient.CreateHandler();
        handler.UseProxy = true;
        handler.Proxy = new WebProxy(new Uri(proxy.Url))
        {
            Credentials = string.IsNullOrEmpty(proxy.Username) ? null : new NetworkCredential(proxy.Username, proxy.Password),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return new ProxyRoute(proxy.Name, client, client, VintedResilience.CreateRateLimiter(proxy.RequestsPerSecond, queueLimit: 100_000));
    }

    /// <summary>Whether the route is cooling down at <paramref name="now"/>.</summary>
    public bool IsCooling(DateTimeOffset now) => Interlocked.Read(ref _coolUntilTicks) > now.UtcTicks;

    public DateTimeOffset CoolingUntil => new(Interlocked.Read(ref _coolUntilTicks), TimeSpan.Zero);

    /// <summary>Leaves the route alone until <paramref name="until"/> and drops its session (the block is tied to it, and to the address).</summary>
    public void CoolDown(DateTimeOffset until, bool blocked)
    {
        Interlocked.Exchange(ref _coolUntilTicks, until.UtcTicks);
        Interlocked.Increment(ref blocked ? ref _blocks : ref _failures);
        Volatile.Write(ref _session, null);
    }

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public ProxyHealth Health(string domain, DateTimeOffset now) => new(
        domain, Name, Interlocked.Read(ref _requests), Interlocked.Read(ref _blocks), Interlocked.Read(ref _failures), IsCooling(now) ? CoolingUntil : null);

    /// <summary>The route's session, creating one (through the route) when there is none.</summary>
    public async ValueTask<VintedSession> GetSessionAsync(Func<long, CancellationToken, Task<VintedSession>> create, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _session) is { } session)
        {
            return session;
        }

        return await ReplaceAsync(stale: null, create, cancellationToken);
    }

    /// <summary>
    /// Replaces <paramref name="stale"/> with a new session. Concurrent callers that saw the same stale session
    /// share one refresh: only the first fetches the home page, the others get its result.
    /// </summary>
    public async ValueTask<VintedSession> ReplaceAsync(VintedSession? stale, Func<long, CancellationToken, Task<VintedSession>> create, CancellationToken cancellationToken)
    {
        await _sessionLock.WaitAsync(cancellationToken);
        try
        {
            var current = _session;
            if (current is not null && (stale is null || current.Generation != stale.Generation))
            {
                return current;
            }

            var fresh = await create((current?.Generation ?? 0) + 1, cancellationToken);
            Volatile.Write(ref _session, fresh);
            return fresh;
        }
        finally
        {
            _sessionLock.Release();
        }
    }

    public void Dispose()
    {
        Limiter?.Dispose();
        _ownClient?.Dispose();
        _sessionLock.Dispose();
    }
}

/// <summary>One route's health: requests sent through it, blocks and failures seen, and until when it cools down (null: in use).</summary>
public sealed record ProxyHealth(string Domain, string Route, long Requests, long Blocks, long Failures, DateTimeOffset? CoolingUntil);
