using Vinted.Orchestration;

namespace Vinted.Tests.Orchestration;

public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new()
    {
        MaxNumberOfAttempts = 5,
        FirstRetryInterval = TimeSpan.FromSeconds(2),
        BackoffCoefficient = 3,
        MaxRetryInterval = TimeSpan.FromSeconds(30),
    };

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 6)]
    [InlineData(3, 18)]
    [InlineData(4, 30)] // 54 s capped at the maximum interval
    public void DelayAfter_Attempt_GrowsGeometricallyUpToTheCap(int attempt, double expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Policy.DelayAfter(attempt));

    [Fact]
    public void ShouldRetry_LastAttempt_IsFalse()
    {
        Assert.True(Policy.ShouldRetry(4, new InvalidOperationException(), TimeSpan.Zero));
        Assert.False(Policy.ShouldRetry(5, new InvalidOperationException(), TimeSpan.Zero));
    }

    [Fact]
    public void ShouldRetry_NonRetryableException_IsFalseAtOnce() =>
        Assert.False(Policy.ShouldRetry(1, new NonRetryableException("bad input"), TimeSpan.Zero));

    [Fact]
    public void ShouldRetry_ListedTypeOrSubtype_IsFalse()
    {
        var policy = Policy with { NonRetryableExceptionTypes = [typeof(ArgumentException).FullName!] };
        Assert.False(policy.ShouldRetry(1, new ArgumentNullException("x"), TimeSpan.Zero));
        Assert.True(policy.ShouldRetry(1, new TimeoutException(), TimeSpan.Zero));
    }

    [Fact]
    public void ShouldRetry_RetryWouldStartAfterTimeout_IsFalse()
    {
        var policy = Policy with { RetryTimeout = TimeSpan.FromSeconds(20) };
        Assert.True(policy.ShouldRetry(1, new TimeoutException(), TimeSpan.FromSeconds(10)));   // retry at 12 s
        Assert.False(policy.ShouldRetry(2, new TimeoutException(), TimeSpan.FromSeconds(15)));  // retry at 21 s
    }
}
