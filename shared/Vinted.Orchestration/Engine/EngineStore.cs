using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Query;
using DurableTask.PostgreSql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Options;

namespace Vinted.Orchestration.Engine;

/// <summary>
/// The engine's state: our PostgreSQL provider (the default) or the Azure Storage provider (Azurite or Azure), as
/// <see cref="DurableTaskEngineOptions.Backend"/> says. One object serves the worker (<see cref="IOrchestrationService"/>)
/// and the client (instance queries, purge, rewind, history).
/// </summary>
public sealed class EngineStore : IAsyncDisposable
{
    private readonly Func<string, string, Task> _rewind;

    internal EngineStore(IOptions<DurableTaskEngineOptions> options, IOptions<EngineStorageOptions> storage, TimeProvider time, ILoggerFactory loggerFactory)
    {
        var o = options.Value;
        Backend = o.Backend;
        if (o.Backend == EngineBackend.PostgreSql)
        {
            var postgres = new PostgreSqlOrchestrationService(
                new PostgreSqlOrchestrationServiceSettings
                {
                    ConnectionString = PostgresConnectionString(storage.Value),
                    SchemaName = SchemaName(o.HubName),
                    LeaseDuration = o.WorkItemQueueVisibilityTimeout,
                    MaxConcurrentActivities = o.MaxConcurrentActivities,
                    MaxConcurrentOrchestrations = o.MaxConcurrentOrchestrations,
                    ActivityBatchSize = o.MaxConcurrentActivities,
                    MaxPollingInterval = o.MaxQueuePollingInterval,
                    ExtendedSessions = o.ExtendedSessionsEnabled,
                    ApplyMigrations = o.ApplyMigrations,
                    TimeProvider = time,
                },
                loggerFactory);
            (Service, Client, Queries, Purge, _rewind) = (postgres, postgres, postgres, postgres, postgres.RewindTaskOrchestrationAsync);
            return;
        }

        var azure = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = o.HubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(Required(storage.Value.AzureWebJobsStorage, "AzureWebJobsStorage")),
            PartitionCount = o.PartitionCount,
            MaxConcurrentTaskActivityWorkItems = o.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = o.MaxConcurrentOrchestrations,
            WorkItemQueueVisibilityTimeout = o.WorkItemQueueVisibilityTimeout,
            ControlQueueVisibilityTimeout = o.ControlQueueVisibilityTimeout,
            MaxQueuePollingInterval = o.MaxQueuePollingInterval,
            ExtendedSessionsEnabled = o.ExtendedSessionsEnabled,

            // Without it a start that the dedupe statuses refuse is dropped silently; the client must know.
            ThrowExceptionOnInvalidDedupeStatus = true,
            LoggerFactory = loggerFactory,
        });
        (Service, Client, Queries, Purge, _rewind) = (azure, azure, azure, azure, azure.RewindTaskOrchestrationAsync);
    }

    public EngineBackend Backend { get; }

    public IOrchestrationService Service { get; }

    public IOrchestrationServiceClient Client { get; }

    public IOrchestrationServiceQueryClient Queries { get; }

    public IOrchestrationServicePurgeClient Purge { get; }

    /// <summary>The PostgreSQL schema of a task hub: <c>dt_</c> and the hub name in lower case.</summary>
    public static string SchemaName(string hubName) => "dt_" + hubName.ToLowerInvariant();

    /// <summary>Creates the hub's schema (PostgreSQL) or tables, queues and containers (Azure Storage) when missing; safe from every host.</summary>
    public Task CreateIfNotExistsAsync() => Service.CreateIfNotExistsAsync();

    /// <summary>Runs a failed instance again from its failed steps; the finished ones keep their results.</summary>
    public Task RewindAsync(string instanceId, string reason) => _rewind(instanceId, reason);

    public async ValueTask DisposeAsync()
    {
        if (Service is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    private static string PostgresConnectionString(EngineStorageOptions storage)
    {
        var (key, value) = storage.ConnectionStrings.TryGetValue("DurableTask", out var own) && !string.IsNullOrWhiteSpace(own)
            ? ("ConnectionStrings:DurableTask", own)
            : ("ConnectionStrings:Warehouse", Required(storage.ConnectionStrings.GetValueOrDefault("Warehouse"), "ConnectionStrings:Warehouse"));
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(value);
            return value;
        }
        catch (ArgumentException)
        {
            // The value is not echoed: a connection string may hold a password.
            throw Invalid(key, "is not an Npgsql connection string.");
        }
    }

    /// <summary>Which store's key is required depends on the backend, so it is checked here, in the validators' words.</summary>
    private static string Required(string? value, string key) =>
        string.IsNullOrWhiteSpace(value) ? throw Invalid(key, "required by the DurableTask:Backend chosen.") : value;

    private static OptionsValidationException Invalid(string key, string problem) => new(
        key,
        typeof(EngineStorageOptions),
        [$"Missing or invalid setting '{key}' (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}): {problem}"]);
}
