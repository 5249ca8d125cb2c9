using Microsoft.DurableTask;

namespace Vinted.Pipeline.Retries;

/// <summary>
/// The retry policy of the pipeline's activity calls, as a value passed with each call: exponential back-off with
/// jitter, waited on a durable timer, never past <see cref="RetrySettings.RetryTimeout"/>, and never for a
/// <see cref="NonRetryableException"/>.
/// </summary>
public static class ActivityRetry
{
    /// <summary>The policy used before a run's plan (which carries the configured one) exists.</summary>
    public static RetrySettings Defaults { get; } = new();

    /// <summary>The history tag that names a call, so that its retries read as attempts of one step.</summary>
    public const string StepTag = "step";

    /// <summary>The options of a call named <paramref name="step"/> (unique within its orchestration) under <paramref name="settings"/>.</summary>
    public static TaskOptions Options(RetrySettings settings, string step) =>
        new(new TaskRetryOptions(context => RetryAsync(settings, context)), new Dictionary<string, string> { [StepTag] = step });

    /// <summary>Whether the failure of <paramref name="context"/> is retried, after waiting out its delay.</summary>
    internal static async Task<bool> RetryAsync(RetrySettings settings, RetryContext context)
    {
        if (!ShouldRetry(settings, context.LastFailure, context.LastAttemptNumber, context.TotalRetryTime))
        {
            return false;
        }

        // NewGuid is deterministic in an orchestration (a hash of the instance and the call), so the jitter replays identically.
        var u = Sample(context.OrchestrationContext.NewGuid());
        await context.OrchestrationContext.CreateTimer(settings.DelayAfter(context.LastAttemptNumber, u), context.CancellationToken);
        return true;
    }

    internal static bool ShouldRetry(RetrySettings settings, TaskFailureDetails failure, int attempt, TimeSpan elapsed) =>
        !IsNonRetryable(failure) && attempt < settings.MaxNumberOfAttempts && elapsed < settings.RetryTimeout;

    /// <summary>A uniform sample in [0, 1) from the bytes of <paramref name="guid"/>.</summary>
    internal static double Sample(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes);
        return (BitConverter.ToUInt32(bytes[..4]) >> 8) / (double)(1 << 24);
    }

    private static bool IsNonRetryable(TaskFailureDetails? failure)
    {
        for (var f = failure; f is not null; f = f.InnerFailure)
        {
            if (f.ErrorType == typeof(NonRetryableException).FullName)
            {
                return true;
            }
        }

        return false;
    }
}
