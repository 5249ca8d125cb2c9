using System.ComponentModel.DataAnnotations;

namespace Vinted.Pipeline.Retries;

/// <summary>
/// The <c>Pipeline:Retry</c> section of host.json: how an activity that failed is tried again. The plan records
/// it once per run, so a change of configuration never changes a run's replay.
/// </summary>
public sealed record RetrySettings
{
    public const string Section = "Pipeline:Retry";

    [Range(1, 100)]
    public int MaxNumberOfAttempts { get; init; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    [Range(1.0, 10.0)]
    public double BackoffCoefficient { get; init; } = 2;

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>No retry starts once this much time has passed since the first failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Share of each delay that is random (0.5: between 75 % and 125 % of it). Vinted answers retries that arrive
    /// in lockstep with longer blocks; spread ones look like ordinary traffic.
    /// </summary>
    [Range(0.0, 1.0)]
    public double Jitter { get; init; } = 0.5;

    /// <summary>The delay after failed attempt <paramref name="attempt"/> (1-based), for a sample <paramref name="u"/> in [0, 1).</summary>
    public TimeSpan DelayAfter(int attempt, double u)
    {
        var exponential = FirstRetryInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, attempt - 1);
        var capped = Math.Min(exponential, MaxRetryInterval.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 - (Jitter / 2) + (Jitter * u)));
    }
}
