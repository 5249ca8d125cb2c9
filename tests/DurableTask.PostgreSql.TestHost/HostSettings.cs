namespace DurableTask.PostgreSql.TestHost;

/// <summary>What the test tells the host through its environment (DTPG_*).</summary>
internal sealed record HostSettings(string Name, string ConnectionString, string Schema, int LeaseSeconds, int MaxDeliveryCount, int MaxConcurrentActivities)
{
    public static HostSettings FromEnvironment() => new(
        Get("DTPG_HOST_NAME"),
        Get("DTPG_CONNECTION"),
        Get("DTPG_SCHEMA"),
        int.Parse(Get("DTPG_LEASE_SECONDS")),
        int.Parse(Get("DTPG_MAX_DELIVERY_COUNT")),
        int.Parse(Get("DTPG_MAX_ACTIVITIES")));

    /// <summary>The hub was migrated by the test (as an owner would): the host only runs.</summary>
    public PostgreSqlOrchestrationServiceSettings ProviderSettings() => new()
    {
        // The application name lets the chaos test pick the hosts' backends to terminate, not its own.
        ConnectionString = $"{ConnectionString};Application Name=dtpg-host-{Name}",
        SchemaName = Schema,
        LeaseDuration = TimeSpan.FromSeconds(LeaseSeconds),
        MaxDeliveryCount = MaxDeliveryCount,
        MaxConcurrentActivities = MaxConcurrentActivities,
        ActivityBatchSize = MaxConcurrentActivities,
        SessionIdleTimeout = TimeSpan.FromSeconds(2),
        WorkerId = $"{Name}:{Environment.ProcessId}",
    };

    private static string Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"{name} is not set.");
}
