using System.Net.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Timeout;
using Vinted.Api.Http;
using Vinted.Api.Options;

namespace Vinted.Api.Tests;

public sealed class VintedResilienceTests
{
    private static HttpAttempt Response(int status, TimeSpan? retryAfter = null) => new(status, "application/json", retryAfter, [], [], null);

    [Fact]
    public void RetryOptions_FromDomainOptions_AreExponentialWithJitter()
    {
        var options = new VintedDomainOptions { MaxRetryAttempts = 6, RetryBaseDelay = TimeSpan.FromSeconds(3), MaxRetryDelay = TimeSpan.FromSeconds(40) };
        var retry = VintedResilience.RetryOptions("pt", options, NullLogger.Instance);
        Assert.Equal(6, retry.MaxRetryAttempts);
        Assert.Equal(DelayBackoffType.Exponential, retry.BackoffType);
        Assert.True(retry.UseJitter);
        Assert.Equal(TimeSpan.FromSeconds(3), retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(40), retry.MaxDelay);
        var breaker = VintedResilience.CircuitBreakerOptions("pt", options, NullLogger.Instance);
        Assert.Equal((0.5, 20), (breaker.FailureRatio, breaker.MinimumThroughput));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(200, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    public void IsTransient_Status_MatchesPolicy(int status, bool transient) =>
        Assert.Equal(transient, VintedResilience.IsTransient(Outcome.FromResult(Response(status))));

    [Fact]
    public void IsTransient_Exceptions_RetriesConnectionAndTimeoutOnly()
    {
        Assert.True(VintedResilience.IsTransient(Outcome.FromException<HttpAttempt>(new HttpRequestException("reset"))));
        Assert.True(VintedResilience.IsTransient(Outcome.FromException<HttpAttempt>(new IOException("cut"))));
        Assert.True(VintedResilience.IsTransient(Outcome.FromException<HttpAttempt>(new TimeoutRejectedException())));
        Assert.False(VintedResilience.IsTransient(Outcome.FromException<HttpAttempt>(new InvalidOperationException())));
    }

    [Fact]
    public void RetryAfter_429_IsHonouredAndCapped()
    {
        var cap = TimeSpan.FromSeconds(10);
        Assert.Equal(TimeSpan.FromSeconds(7), VintedResilience.RetryAfter(Outcome.FromResult(Response(429, TimeSpan.FromSeconds(7))), cap));
        Assert.Equal(cap, VintedResilience.RetryAfter(Outcome.FromResult(Response(429, TimeSpan.FromMinutes(5))), cap));
        Assert.Equal(TimeSpan.Zero, VintedResilience.RetryAfter(Outcome.FromResult(Response(429, TimeSpan.FromSeconds(-2))), cap));
        Assert.Null(VintedResilience.RetryAfter(Outcome.FromResult(Response(500)), cap));
    }

    [Fact]
    public async Task Pipeline_TransientThenSuccess_RetriesAndReturnsSuccess()
    {
        var options = new VintedDomainOptions { RetryBaseDelay = TimeSpan.Zero, MaxRetryAttempts = 3, RequestsPerSecond = 1000 };
        using var limiter = VintedResilience.CreateRateLimiter(options);
        var pipeline = VintedResilience.Build("pt", options, limiter, TimeProvider.System, NullLogger.Instance);
        var calls = 0;
        var result = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(Response(++calls < 3 ? 503 : 200)), CancellationToken.None);
        Assert.Equal((200, 3), (result.StatusCode, calls));
    }

    [Fact]
    public async Task Pipeline_NonTransient4xx_IsNotRetried()
    {
        var options = new VintedDomainOptions { RetryBaseDelay = TimeSpan.Zero, RequestsPerSecond = 1000 };
        using var limiter = VintedResilience.CreateRateLimiter(options);
        var pipeline = VintedResilience.Build("pt", options, limiter, TimeProvider.System, NullLogger.Instance);
        var calls = 0;
        var result = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult(Response(404)); }, CancellationToken.None);
        Assert.Equal((404, 1), (result.StatusCode, calls));
    }

    [Fact]
    public async Task Pipeline_429WithRetryAfter_WaitsThatLongOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        var options = new VintedDomainOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAttempts = 1, RequestsPerSecond = 1000 };
        using var limiter = VintedResilience.CreateRateLimiter(options);
        var pipeline = VintedResilience.Build("pt", options, limiter, time, NullLogger.Instance);
        var calls = 0;
        var task = pipeline.ExecuteAsync(_ => ValueTask.FromResult(Response(++calls == 1 ? 429 : 200, TimeSpan.FromSeconds(30))), CancellationToken.None).AsTask();
        await Task.Delay(50);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await task).StatusCode);
    }

    [Fact]
    public void RateLimiter_Options_RefillAtTheConfiguredRate()
    {
        using var slow = VintedResilience.CreateRateLimiter(new VintedDomainOptions { RequestsPerSecond = 20 });
        Assert.Equal(TimeSpan.FromMilliseconds(50), slow.ReplenishmentPeriod);
        using var fast = VintedResilience.CreateRateLimiter(new VintedDomainOptions { RequestsPerSecond = 1000 });
        Assert.Equal(TimeSpan.FromMilliseconds(50), fast.ReplenishmentPeriod);
        Assert.Equal(50, fast.GetStatistics()!.CurrentAvailablePermits);
    }
}
