using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Vinted.Api.Options;

namespace Vinted.Api.Http;

/// <summary>Everything the client keeps per domain: its settings, rate limiter, pipeline and current session.</summary>
internal sealed class DomainChannel : IDisposable
{
    private readonly SemaphoreSlim _sessionLock = new(1, 1);
    private readonly RateLimiter _limiter;
    private VintedSession? _session;

    public DomainChannel(string domain, VintedDomainOptions options, string userAgent, TimeProvider timeProvider, ILogger logger)
    {
        Domain = domain;
        Options = options;
        UserAgent = options.UserAgent ?? userAgent;
        SiteBase = options.SiteBaseFor(domain);
        ApiBase = options.ApiBaseFor(domain);
        _limiter = VintedResilience.CreateRateLimiter(options);
        Pipeline = VintedResilience.Build(domain, options, _limiter, timeProvider, logger);
    }

    public string Domain { get; }

    public VintedDomainOptions Options { get; }

    public string UserAgent { get; }

    public Uri SiteBase { get; }

    public Uri ApiBase { get; }

    public ResiliencePipeline<HttpAttempt> Pipeline { get; }

    /// <summary>The current session, creating one when there is none.</summary>
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
        _limiter.Dispose();
        _sessionLock.Dispose();
    }
}
