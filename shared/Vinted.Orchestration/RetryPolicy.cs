using System.Text.Json.Serialization;

namespace Vinted.Orchestration;

/// <summary>
/// How an activity call is retried, in the shape of Durable Functions' RetryOptions. It is stored with the
/// call, so it must be data: the predicate for failures that must not be retried is a list of exception
/// type names (full names, base types included), besides <see cref="NonRetryableException"/> which is never retried.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Attempts in all, the first included; 1 means no retry.</summary>
    public int MaxNumberOfAttempts { get; init; } = 3;

    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    public double BackoffCoefficient { get; init; } = 2;

    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>No retry starts later than this after the first attempt started; null for no limit.</summary>
    public TimeSpan? RetryTimeout { get; init; }

    /// <summary>Full names of exception types that fail the call at once.</summary>
    public IReadOnlyList<string> NonRetryableExceptionTypes { get; init; } = [];

    /// <summary>A policy with one attempt only.</summary>
    public static RetryPolicy None { get; } = new() { MaxNumberOfAttempts = 1 };

    /// <summary>The delay before the retry that follows attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var seconds = FirstRetryInterval.TotalSeconds * Math.Pow(BackoffCoefficient, attempt - 1);
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxRetryInterval.TotalSeconds));
    }

    /// <summary>Whether a call that failed on attempt <paramref name="attempt"/> with <paramref name="error"/> is tried again.</summary>
    public bool ShouldRetry(int attempt, Exception error, TimeSpan sinceFirstAttempt)
    {
        if (attempt >= MaxNumberOfAttempts || error is NonRetryableException || IsListed(error.GetType()))
        {
            return false;
        }

        return RetryTimeout is not { } timeout || sinceFirstAttempt + DelayAfter(attempt) <= timeout;
    }

    private bool IsListed(Type? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (NonRetryableExceptionTypes.Contains(type.FullName))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>An activity failure that no retry can mend (bad input, a refused request): it fails the call at once.</summary>
public class NonRetryableException : Exception
{
    public NonRetryableException(string message)
        : base(message)
    {
    }

    public NonRetryableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NonRetryableException()
    {
    }
}
