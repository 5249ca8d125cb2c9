using System.ComponentModel.DataAnnotations;

namespace Vinted.Orchestration.Options;

/// <summary>The <c>Orchestration</c> section of host.json: how the durable layer runs on Hangfire.</summary>
public sealed class OrchestrationOptions
{
    public const string Section = "Orchestration";

    /// <summary>How often idle workers look for new jobs (Hangfire.PostgreSql's default of 15 s is far too slow for fan-in).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a fetched job stays invisible before another host may take it. With the sliding timeout on,
    /// a live worker keeps extending it, so this is how soon the work of a dead host is resumed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How old a Hangfire lock row must be to count as abandoned. A host killed mid-transition leaves its
    /// job state locks behind; the default of Hangfire.PostgreSql (10 min) would stall those jobs that long.
    /// Hangfire holds these locks for milliseconds, so seconds are safe.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the schedule poller moves due retries to their queues.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Workers per queue in each host. Separate queues keep page fetches from starving warehouse work.</summary>
    [Required]
    public Dictionary<string, int> Workers { get; set; } = new() { ["orchestrators"] = 2, ["default"] = 2 };

    /// <summary>The retry policy of activity calls that pass none.</summary>
    [Required]
    public RetryPolicy DefaultRetry { get; set; } = new();

    /// <summary>How long a wake-up or a dispatch may stay unperformed before the sweeper performs it again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each host's sweeper runs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Finished instances older than this are purged automatically; null keeps them forever.</summary>
    public TimeSpan? Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The Hangfire schema; the ledger has its own (<c>durable</c>).</summary>
    [Required]
    public string HangfireSchema { get; set; } = "hangfire";
}
