using Microsoft.DurableTask;
using Vinted.Pipeline.Retries;

namespace Vinted.Pipeline.Tests;

public sealed class ActivityRetryTests
{
    private static readonly RetrySettings Settings = new()
    {
        MaxNumberOfAttempts = 4,
        FirstRetryInterval = TimeSpan.FromSeconds(2),
        BackoffCoefficient = 2,
        MaxRetryInterval = TimeSpan.FromSeconds(10),
        RetryTimeout = TimeSpan.FromMinutes(5),
        Jitter = 0.5,
    };

    [Theory]
    [InlineData(1, 2_000)]
    [InlineData(2, 4_000)]
    [InlineData(3, 8_000)]
    [InlineData(4, 10_000)] // capped by MaxRetryInterval
    public void DelayAfter_MidSample_IsTheExponentialDelayCapped(int attempt, double expectedMs) =>
        Assert.Equal(expectedMs, Settings.DelayAfter(attempt, 0.5).TotalMilliseconds, precision: 6);

    [Fact]
    public void DelayAfter_ExtremeSamples_StayWithinTheJitterBand()
    {
        Assert.Equal(1_500, Settings.DelayAfter(1, 0).TotalMilliseconds, precision: 6);
        Assert.True(Settings.DelayAfter(1, 0.999_999).TotalMilliseconds < 2_500);
        Assert.Equal(2_000, (Settings with { Jitter = 0 }).DelayAfter(1, 0.9).TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Sample_SameGuid_SameValueInUnitInterval()
    {
        var samples = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()).Select(g => (g, ActivityRetry.Sample(g))).ToList();

        Assert.All(samples, s => Assert.InRange(s.Item2, 0, 0.999_999_99));
        Assert.All(samples, s => Assert.Equal(s.Item2, ActivityRetry.Sample(s.g)));
        Assert.True(samples.Select(s => s.Item2).Distinct().Count() > 990, "samples spread");
    }

    [Fact]
    public void ShouldRetry_TransientFailureWithAttemptsAndTimeLeft_Retries() =>
        Assert.True(ActivityRetry.ShouldRetry(Settings, Failure(typeof(InvalidOperationException)), attempt: 1, TimeSpan.FromSeconds(3)));

    [Fact]
    public void ShouldRetry_NonRetryableFailureEvenWrapped_GivesUp()
    {
        Assert.False(ActivityRetry.ShouldRetry(Settings, Failure(typeof(NonRetryableException)), attempt: 1, TimeSpan.Zero));
        var wrapped = Failure(typeof(InvalidOperationException)) with { InnerFailure = Failure(typeof(NonRetryableException)) };
        Assert.False(ActivityRetry.ShouldRetry(Settings, wrapped, attempt: 1, TimeSpan.Zero));
    }

    [Fact]
    public void ShouldRetry_AttemptsOrTimeExhausted_GivesUp()
    {
        Assert.False(ActivityRetry.ShouldRetry(Settings, Failure(typeof(TimeoutException)), attempt: 4, TimeSpan.Zero));
        Assert.False(ActivityRetry.ShouldRetry(Settings, Failure(typeof(TimeoutException)), attempt: 1, TimeSpan.FromMinutes(5)));
    }

    private static TaskFailureDetails Failure(Type type) => new(type.FullName!, "boom", null, null, null);
}
