using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Query;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Options;

namespace Vinted.Orchestration.Engine;

/// <summary>
/// The engine's state: the Azure Storage provider over <c>AzureWebJobsStorage</c> (Azurite locally). One object
/// serves the worker (<see cref="IOrchestrationService"/>) and the client (instance queries, purge, rewind, history).
/// </summary>
public sealed class EngineStore
{
    internal EngineStore(IOptions<DurableTaskEngineOptions> options, IOptions<EngineStorageOptions> storage, ILoggerFactory loggerFactory)
    {
        var o = options.Value;
        Provider = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = o.HubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(storage.Value.AzureWebJobsStorage),
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
    }

    /// <summary>The provider itself, for what only it offers (rewind).</summary>
    internal AzureStorageOrchestrationService Provider { get; }

    public IOrchestrationService Service => Provider;

    public IOrchestrationServiceClient Client => Provider;

    public IOrchestrationServiceQueryClient Queries => Provider;

    public IOrchestrationServicePurgeClient Purge => Provider;

    /// <summary>Creates the hub's tables, queues and containers when missing; safe to call from every host.</summary>
    public Task CreateIfNotExistsAsync() => Provider.CreateIfNotExistsAsync();

    /// <summary>Runs a failed instance again from its failed steps; the finished ones keep their results.</summary>
    public Task RewindAsync(string instanceId, string reason) => Provider.RewindTaskOrchestrationAsync(instanceId, reason);
}
