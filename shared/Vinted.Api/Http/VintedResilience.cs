using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;
using Vinted.Api.Logging;
using Vinted.Api.Options;

namespace Vinted.Api.Http;

/// <summary>
/// The per-domain resilience pipeline, outermost first: total timeout, retry (exponential backoff with jitter,
/// honouring Retry-After on 429), circuit breaker, rate limiter (so every attempt, retries included, takes a
/// permit), per-attempt timeout. 401 is not handled here: the client refreshes the session and sends once more.
/// </summary>
internal static class VintedResilience
{
    public static ResiliencePipeline<HttpAttempt> Build(
        string domain, VintedDomainOptions options, RateLimiter limiter, TimeProvider timeProvider, ILogger logger) =>
        new ResiliencePipelineBuilder<HttpAttempt> { Name = $"vinted-{domain}", TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout })
            .AddRetry(RetryOptions(domain, options, logger))
            .AddCircuitBreaker(CircuitBreakerOptions(domain, options, logger))
            .AddRateLimiter(limiter)
            .AddTimeout(new TimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout })
            .Build();

    /// <summary>
    /// A token bucket refilled continuously at <see cref="VintedDomainOptions.RequestsPerSecond"/>. The bucket
    /// holds at most 50 ms worth of tokens (at least one), so bursts stay small and the rate holds over any second.
    /// </summary>
    public static TokenBucketRateLimiter CreateRateLimiter(VintedDomainOptions options) => CreateRateLimiter(options.RequestsPerSecond, options.RateLimiterQueueLimit);

    /// <summary>The same bucket at <paramref name="requestsPerSecond"/> (a domain's or a proxy's).</summary>
    public static TokenBucketRateLimiter CreateRateLimiter(double requestsPerSecond, int queueLimit)
    {
        var tokens = Math.Max(1, (int)Math.Round(requestsPerSecond * 0.05));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / requestsPerSecond),
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public static RetryStrategyOptions<HttpAttempt> RetryOptions(string domain, VintedDomainOptions options, ILogger logger) => new()
    {
        Name = "retry",
        MaxRetryAttempts = options.MaxRetryAttempts,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = options.RetryBaseDelay,
        MaxDelay = options.MaxRetryDelay,
        ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
        DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome, options.MaxRetryDelay)),
        OnRetry = args =>
        {
            logger.Retrying(domain, args.AttemptNumber + 1, args.Outcome.Result?.StatusCode, args.RetryDelay, args.Outcome.Exception?.GetType().Name);
            return ValueTask.CompletedTask;
        },
    };

    public static CircuitBreakerStrategyOptions<HttpAttempt> CircuitBreakerOptions(string domain, VintedDomainOptions options, ILogger logger) => new()
    {
        Name = "circuit",
        FailureRatio = options.CircuitFailureRatio,
        MinimumThroughput = options.CircuitMinimumThroughput,
        SamplingDuration = options.CircuitSamplingDuration,
        BreakDuration = options.CircuitBreakDuration,
        ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
        OnOpened = args =>
        {
            logger.CircuitOpened(domain, args.BreakDuration);
            return ValueTask.CompletedTask;
        },
    };

    /// <summary>Transient: 5xx, 408, 429, a connection failure, a body cut short, or a per-attempt timeout.</summary>
    public static bool IsTransient(Outcome<HttpAttempt> outcome) => outcome switch
    {
        { Exception: HttpRequestException or IOException or TimeoutRejectedException } => true,
        { Exception: not null } => false,
        { Result: { } attempt } => IsTransientStatus(attempt.StatusCode),
        _ => false,
    };

    public static bool IsTransientStatus(int status) => status is >= 500 or 408 or 429;

    /// <summary>The server's Retry-After of a 429 or 503 (capped), or null for the exponential backoff.</summary>
    public static TimeSpan? RetryAfter(Outcome<HttpAttempt> outcome, TimeSpan cap) =>
        outcome.Result is { StatusCode: 429 or 503, RetryAfter: { } after }
            ? after < TimeSpan.Zero ? TimeSpan.Zero : after > cap ? cap : after
            : null;
}
