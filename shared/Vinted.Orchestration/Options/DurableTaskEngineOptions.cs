using System.ComponentModel.DataAnnotations;

namespace Vinted.Orchestration.Options;

/// <summary>The self-hosted engine's state store.</summary>
public enum EngineBackend
{
    /// <summary>Our PostgreSQL provider (DurableTask.PostgreSql) in the product's database: the self-hosted default.</summary>
    PostgreSql,

    /// <summary>DurableTask.AzureStorage over <c>AzureWebJobsStorage</c>: Azurite locally, or a storage account.</summary>
    AzureStorage,
}

/// <summary>
/// The <c>DurableTask</c> section of host.json: the self-hosted engine's task hub and its backend. The Azure Functions
/// app ignores it: there the Durable extension's own provider (<c>extensions.durableTask</c>) is the engine.
/// </summary>
public sealed class DurableTaskEngineOptions
{
    public const string Section = "DurableTask";

    /// <summary>Which store keeps the orchestrations' state (see <see cref="EngineBackend"/>).</summary>
    public EngineBackend Backend { get; set; } = EngineBackend.PostgreSql;

    /// <summary>
    /// Tables, queues and blob containers (Azure Storage), or the schema <c>dt_{hub}</c> (PostgreSQL), are named after
    /// the hub; two hubs in one account or database never meet.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = "HubName is 3 to 45 letters and digits, starting with a letter (Azure Storage names).")]
    public string HubName { get; set; } = "vinted";

    /// <summary>Control-queue partitions: how many hosts can share the orchestrations (Azure Storage only).</summary>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = 4;

    /// <summary>Activities one host runs at once.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentActivities { get; set; } = 16;

    /// <summary>Orchestration work items one host runs at once.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentOrchestrations { get; set; } = 8;

    /// <summary>
    /// How long a work item taken by a host stays its own (the PostgreSQL backend's lease; Azure Storage's activity
    /// message visibility). A live host renews it; after a crash this is
    /// how long the work waits for another host (measured: the provider's default of 5 minutes stalled a restart
    /// for 5 minutes, 30 s resumed in 29 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the host applies the PostgreSQL task hub's migrations at start (its role then needs CREATE rights). False
    /// for hosts that run with DML rights only, after the schema's owner migrated it (PostgreSqlOrchestrationService.MigrateAsync).
    /// </summary>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>The same for orchestration (control-queue) messages (Azure Storage only; PostgreSQL leases both alike).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest back-off of an idle queue poller: the latency of the first message after a quiet spell.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Keeps a busy orchestration in memory between its work items instead of replaying its history each time (Azure Storage only).</summary>
    public bool ExtendedSessionsEnabled { get; set; } = true;

    /// <summary>Finished instances older than this are purged by the retention job; zero keeps them all.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
