using System.Text.RegularExpressions;

namespace DurableTask.PostgreSql;

/// <summary>Settings of <see cref="PostgreSqlOrchestrationService"/>; <see cref="Validate"/> names the setting at fault.</summary>
public sealed partial record PostgreSqlOrchestrationServiceSettings
{
    /// <summary>An Npgsql connection string. The service opens its own connections (and one more for LISTEN).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The schema holding the task hub: two hubs in one database live in two schemas and never meet.</summary>
    public string SchemaName { get; init; } = "durabletask";

    /// <summary>
    /// How long a taken work item stays with its worker without renewal. A live worker renews it (DurableTask.Core
    /// renews 30 s before expiry); after a crash this is how long the work waits for another worker.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Activities one worker runs at once.</summary>
    public int MaxConcurrentActivities { get; init; } = 16;

    /// <summary>Orchestration work items one worker runs at once.</summary>
    public int MaxConcurrentOrchestrations { get; init; } = 8;

    /// <summary>Activity messages taken in one statement (never more than <see cref="MaxConcurrentActivities"/>).</summary>
    public int ActivityBatchSize { get; init; } = 16;

    /// <summary>Messages one orchestration work item takes at most (a fan-in of thousands replays once per batch, not once per result).</summary>
    public int OrchestrationBatchSize { get; init; } = 1000;

    /// <summary>Activity completions written in one transaction at most.</summary>
    public int CompletionBatchSize { get; init; } = 256;

    /// <summary>
    /// Keeps an instance's replayed state in memory between its work items (DurableTask.Core's extended sessions): a
    /// fan-in of thousands of results is then replayed once, not once per batch. The worker keeps the lease while the
    /// session waits for the instance's next messages, up to <see cref="SessionIdleTimeout"/>.
    /// </summary>
    public bool ExtendedSessions { get; init; } = true;

    /// <summary>
    /// Memory for the histories a worker keeps between an instance's work items (bytes, as stored), so a busy instance
    /// is not read again for every batch of results; the least recently used go first. 0 turns the cache off.
    /// </summary>
    public long HistoryCacheBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How long a session waits for its instance's next messages before it lets the instance go.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait of an idle poller: NOTIFY wakes it at once; this bounds the delay of a due durable timer or a lost notification.</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an abandoned orchestration work item waits before it is taken again (a failing one must not spin).</summary>
    public TimeSpan AbandonDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Deliveries after which work that never completes is set aside in <c>poison_messages</c>: an activity call (the
    /// process running it crashed, or its lease kept expiring) fails into its orchestrator's retry policy; an
    /// orchestration work item whose turn or checkpoint fails every time fails its instance with the reason.
    /// </summary>
    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>
    /// Whether <c>CreateAsync</c>/<c>CreateIfNotExistsAsync</c> apply the embedded migrations (the role then needs CREATE
    /// on the database or the schema). False for hosts that run with DML rights only: they check that the hub is
    /// migrated and start, and an owner applies the migrations beforehand with
    /// <see cref="PostgreSqlOrchestrationService.MigrateAsync"/>.
    /// </summary>
    public bool ApplyMigrations { get; init; } = true;

    /// <summary>Names this worker in lock columns: which host holds what.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(ConnectionString), nameof(ConnectionString), "is required");
        Require(SchemaPattern().IsMatch(SchemaName), nameof(SchemaName), "must be 1 to 40 lower-case letters, digits or underscores, starting with a letter");
        Require(LeaseDuration >= TimeSpan.FromSeconds(10), nameof(LeaseDuration), "must be at least 10 seconds");
        Require(MaxConcurrentActivities is >= 1 and <= 10_000, nameof(MaxConcurrentActivities), "must be 1 to 10,000");
        Require(MaxConcurrentOrchestrations is >= 1 and <= 10_000, nameof(MaxConcurrentOrchestrations), "must be 1 to 10,000");
        Require(ActivityBatchSize >= 1, nameof(ActivityBatchSize), "must be at least 1");
        Require(OrchestrationBatchSize >= 1, nameof(OrchestrationBatchSize), "must be at least 1");
        Require(CompletionBatchSize >= 1, nameof(CompletionBatchSize), "must be at least 1");
        Require(HistoryCacheBytes is >= 0 and <= 64L * 1024 * 1024 * 1024, nameof(HistoryCacheBytes), "must be 0 (off) to 64 GiB");
        Require(MaxDeliveryCount is >= 1 and <= 1000, nameof(MaxDeliveryCount), "must be 1 to 1,000");
        Require(MaxPollingInterval > TimeSpan.Zero, nameof(MaxPollingInterval), "must be positive");
        Require(AbandonDelay >= TimeSpan.Zero, nameof(AbandonDelay), "must not be negative");
        Require(SessionIdleTimeout > TimeSpan.Zero && SessionIdleTimeout < LeaseDuration, nameof(SessionIdleTimeout), "must be positive and shorter than LeaseDuration");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"PostgreSQL task hub setting {name} {rule}.", name);
        }
    }

    // Also the prefix of the NOTIFY channels (63 bytes at most), hence 40.
    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex SchemaPattern();
}
