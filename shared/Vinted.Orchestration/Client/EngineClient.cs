using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Vinted.Orchestration.Engine;
using Core = DurableTask.Core;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;

namespace Vinted.Orchestration.Client;

/// <summary>
/// Microsoft.DurableTask's <see cref="DurableTaskClient"/> over the self-hosted engine's store, so that the HTTP
/// API, the timer, the pages and the tests speak to the engine as a Durable Functions app speaks to its extension.
/// </summary>
public sealed class EngineClient(EngineStore store, TimeProvider time) : DurableTaskClient("vinted")
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Statuses a start never replaces when its options name none: an active instance is never cut short.</summary>
    private static readonly Core.OrchestrationStatus[] ActiveStatuses =
        [Core.OrchestrationStatus.Pending, Core.OrchestrationStatus.Running, Core.OrchestrationStatus.Suspended, Core.OrchestrationStatus.ContinuedAsNew];

    private static DataConverter Converter => EngineJson.Converter;

    /// <summary>
    /// Starts an instance. With no dedupe statuses a start under the id of an active instance fails with
    /// <see cref="InvalidOperationException"/> and a finished one is replaced (Durable Functions' rule).
    /// </summary>
    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var instance = new OrchestrationInstance
        {
            InstanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N"),
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        var started = new ExecutionStartedEvent(-1, Converter.Serialize(input))
        {
            Name = orchestratorName.Name,
            Version = options?.Version?.Version ?? string.Empty,
            OrchestrationInstance = instance,
            ScheduledStartTime = options?.StartAt?.UtcDateTime,
            Tags = options?.Tags?.ToDictionary(t => t.Key, t => t.Value),
        };
        var dedupe = options?.DedupeStatuses is { Count: > 0 } names
            ? names.Select(n => Enum.Parse<OrchestrationRuntimeStatus>(n, ignoreCase: true).ToCore()).ToArray()
            : ActiveStatuses;
        try
        {
            await store.Client.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = started }, dedupe);
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            throw new InvalidOperationException($"An instance with id '{instance.InstanceId}' already exists and may not be replaced: {e.Message}", e);
        }

        // The provider checks the dedupe statuses, sends the start and then writes the instance: of starts racing for
        // one id, all pass the check, one write wins and the others are dropped silently (their starts are discarded
        // and only one execution runs). Which start won is read back, so a loser is refused like any duplicate.
        var stored = await store.Client.GetOrchestrationStateAsync(instance.InstanceId, executionId: null);
        if (stored is not null && stored.OrchestrationInstance.ExecutionId != instance.ExecutionId)
        {
            throw new InvalidOperationException($"An instance with id '{instance.InstanceId}' was started by another caller at the same time.");
        }

        return instance.InstanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new EventRaisedEvent(-1, Converter.Serialize(eventPayload)) { Name = eventName });

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason));

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason));

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        store.Client.ForceTerminateTaskOrchestrationAsync(instanceId, Converter.Serialize(options?.Output));

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var state = await store.Client.GetOrchestrationStateAsync(instanceId, executionId: null);
        return state is null ? null : ToMetadata(state, getInputsAndOutputs);
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var query = new CoreQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(s => s.ToCore()).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                PageSize = pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await store.Queries.GetOrchestrationWithQueryAsync(query, cancellation);
            return new Page<OrchestrationMetadata>(
                result.OrchestrationState.Select(s => ToMetadata(s, query.FetchInputsAndOutputs)).ToList(), result.ContinuationToken);
        });

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);
            if (metadata is not null && metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                return metadata;
            }

            await Task.Delay(PollInterval, time, cancellation);
        }
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            var metadata = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);
            if (metadata is { IsCompleted: true })
            {
                return metadata;
            }

            await Task.Delay(PollInterval, time, cancellation);
        }
    }

    /// <summary>Purges a finished instance; an active one is refused with <see cref="InvalidOperationException"/>.</summary>
    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var metadata = await GetInstancesAsync(instanceId, cancellation: cancellation);
        if (metadata is null)
        {
            return new PurgeResult(0);
        }

        if (!metadata.IsCompleted)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {metadata.RuntimeStatus}: only a finished instance can be purged.");
        }

        var result = await store.Purge.PurgeInstanceStateAsync(instanceId);
        return new PurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var statuses = (filter.Statuses ?? Terminal).Where(s => Terminal.Contains(s)).Select(s => s.ToCore()).ToList();
        var result = await store.Purge.PurgeInstanceStateAsync(
            new Core.PurgeInstanceFilter(filter.CreatedFrom?.UtcDateTime ?? DateTime.MinValue, filter.CreatedTo?.UtcDateTime, statuses));
        return new PurgeResult(result.DeletedInstanceCount);
    }

    /// <summary>Runs a failed instance again from where it failed: steps that finished are not run again.</summary>
    public override async Task RewindInstanceAsync(string instanceId, string reason, CancellationToken cancellation = default)
    {
        var metadata = await GetInstancesAsync(instanceId, cancellation: cancellation)
            ?? throw new ArgumentException($"No instance '{instanceId}'.", nameof(instanceId));
        if (metadata.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {metadata.RuntimeStatus}: only a failed instance can be rewound.");
        }

        await store.RewindAsync(instanceId, reason);
    }

    /// <summary>
    /// Starts a finished instance again with its name and input, under its id (a new execution replaces the old one) or a
    /// new one. An active instance is refused with <see cref="InvalidOperationException"/>.
    /// </summary>
    public override async Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default)
    {
        var state = await store.Client.GetOrchestrationStateAsync(instanceId, executionId: null)
            ?? throw new ArgumentException($"No instance '{instanceId}'.", nameof(instanceId));
        if (!Terminal.Contains((OrchestrationRuntimeStatus)state.OrchestrationStatus))
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {state.OrchestrationStatus}: only a finished instance can be restarted.");
        }

        var instance = new OrchestrationInstance
        {
            InstanceId = restartWithNewInstanceId ? Guid.NewGuid().ToString("N") : instanceId,
            ExecutionId = Guid.NewGuid().ToString("N"),
        };

        // The stored input as it is: serializing it again would wrap the JSON text in a string.
        var started = new ExecutionStartedEvent(-1, state.Input) { Name = state.Name, Version = state.Version ?? string.Empty, OrchestrationInstance = instance };
        try
        {
            await store.Client.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = started }, ActiveStatuses);
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            throw new InvalidOperationException($"Instance '{instance.InstanceId}' was started again meanwhile: {e.Message}", e);
        }

        return instance.InstanceId;
    }

    public override ValueTask DisposeAsync() => default;

    private static readonly OrchestrationRuntimeStatus[] Terminal =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    private Task SendAsync(string instanceId, HistoryEvent @event) =>
        store.Client.SendTaskOrchestrationMessageAsync(new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = @event });

    private static OrchestrationMetadata ToMetadata(Core.OrchestrationState state, bool withPayloads) => new(state.Name, state.OrchestrationInstance.InstanceId)
    {
        DataConverter = withPayloads ? Converter : null,
        RuntimeStatus = (OrchestrationRuntimeStatus)state.OrchestrationStatus,
        CreatedAt = state.CreatedTime,
        LastUpdatedAt = state.LastUpdatedTime,
        SerializedInput = withPayloads ? state.Input : null,
        SerializedOutput = withPayloads ? state.Output : null,
        SerializedCustomStatus = withPayloads ? state.Status : null,
        FailureDetails = state.FailureDetails is { } f ? ToTaskFailure(f) : null,
    };

    private static TaskFailureDetails ToTaskFailure(Core.FailureDetails f) =>
        new(f.ErrorType, f.ErrorMessage, f.StackTrace, f.InnerFailure is { } inner ? ToTaskFailure(inner) : null, null);
}

internal static class StatusConversions
{
    /// <summary>The two enums share their values (Microsoft.DurableTask defines its own from DurableTask.Core's).</summary>
    public static Core.OrchestrationStatus ToCore(this OrchestrationRuntimeStatus status) => (Core.OrchestrationStatus)status;
}
