using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Vinted.Orchestration.Execution;
using Vinted.Orchestration.Logging;
using Vinted.Orchestration.Storage;

namespace Vinted.Orchestration.Client;

/// <summary>Starts, queries and manages orchestration instances (Durable Functions' DurableTaskClient).</summary>
public sealed partial class DurableClient
{
    private readonly LedgerStore _store;
    private readonly Dispatcher _dispatcher;
    private readonly OrchestrationRegistry _registry;
    private readonly ILogger<DurableClient> _logger;

    internal DurableClient(LedgerStore store, Dispatcher dispatcher, OrchestrationRegistry registry, ILogger<DurableClient> logger)
    {
        _store = store;
        _dispatcher = dispatcher;
        _registry = registry;
        _logger = logger;
    }

    /// <summary>
    /// Starts an instance. With a caller-chosen <paramref name="instanceId"/> the start is idempotent: an id
    /// that exists is left as it is and returned.
    /// </summary>
    public async Task<string> StartNewAsync(string orchestratorName, object? input = null, string? instanceId = null, CancellationToken cancellationToken = default)
    {
        if (!_registry.HasOrchestrator(orchestratorName))
        {
            throw new ArgumentException($"No orchestrator named '{orchestratorName}' is registered.", nameof(orchestratorName));
        }

        instanceId ??= Guid.NewGuid().ToString("N");
        ValidateInstanceId(instanceId);
        var json = JsonSerializer.Serialize(input, OrchestrationJson.Options);
        ValidateInput(orchestratorName, json);
        var created = await _store.CreateInstanceAsync(instanceId, orchestratorName, json, cancellationToken: cancellationToken);
        if (created)
        {
            _logger.InstanceStarted(instanceId, orchestratorName);
        }

        // Also for an existing instance whose first wake-up may have been lost with the host that created it.
        if (created || await _store.WakePendingAsync(instanceId, cancellationToken))
        {
            _dispatcher.Wake(instanceId);
        }

        return instanceId;
    }

    /// <summary>The instance's status, or null when it does not exist.</summary>
    public async Task<OrchestrationMetadata?> GetStatusAsync(string instanceId, bool showHistory = false, bool showInput = true, CancellationToken cancellationToken = default)
    {
        var instance = await _store.GetInstanceAsync(instanceId, cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var counts = await _store.CountStepsAsync(instanceId, cancellationToken);
        var metadata = ToMetadata(instance, showInput) with
        {
            Progress = counts.ToDictionary(
                c => c.Key,
                c => (IReadOnlyDictionary<string, int>)c.Value.ToDictionary(s => s.Key.ToString(), s => s.Value)),
        };
        if (!showHistory)
        {
            return metadata;
        }

        var steps = await _store.GetStepsAsync(instanceId, cancellationToken);
        return metadata with
        {
            HistoryEvents = steps.Select(s => new StepHistory(
                s.Seq, s.Name, s.Status.ToString(), s.Attempts, s.Rewinds, s.ScheduledAt, s.StartedAt, s.CompletedAt,
                s.CompletedAt - s.StartedAt is { } d ? d.TotalMilliseconds : null, s.Error, Parse(s.Errors)!.Value)).ToList(),
        };
    }

    /// <summary>Lists instances newest first.</summary>
    public async Task<InstancePage> ListAsync(InstanceFilter filter, CancellationToken cancellationToken = default)
    {
        if (filter.Top is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(filter), "top must be between 1 and 1000");
        }

        var after = filter.ContinuationToken is { } token ? DecodeToken(token) : ((DateTimeOffset, string)?)null;
        var rows = await _store.ListAsync(
            new InstanceQuery(filter.RuntimeStatus, filter.CreatedTimeFrom, filter.CreatedTimeTo, filter.Name, after, filter.Top + 1), cancellationToken);
        var page = rows.Take(filter.Top).ToList();
        var next = rows.Count > filter.Top ? EncodeToken(page[^1].CreatedAt, page[^1].Id) : null;
        return new InstancePage(page.Select(i => ToMetadata(i, filter.ShowInput)).ToList(), next);
    }

    /// <summary>Terminates a pending or running instance; false when it is unknown or already finished.</summary>
    public Task<bool> TerminateAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        _store.TerminateAsync(instanceId, reason, cancellationToken);

    /// <summary>
    /// Rewinds a failed instance: only its failed steps run again (with fresh attempts), then the orchestrator
    /// continues from its recorded results. False when the instance is not failed.
    /// </summary>
    public async Task<bool> RewindAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        _ = reason; // kept for the Durable Functions signature; the steps' error history records what failed
        if (await _store.RewindAsync(instanceId, cancellationToken) is not { } rewound)
        {
            return false;
        }

        await _dispatcher.DispatchAsync(rewound.Steps, cancellationToken);
        if (rewound.Wake)
        {
            _dispatcher.Wake(instanceId);
        }

        return true;
    }

    /// <summary>Deletes a finished instance and its history: null when unknown, false when still running.</summary>
    public Task<bool?> PurgeAsync(string instanceId, CancellationToken cancellationToken = default) => _store.PurgeAsync(instanceId, cancellationToken);

    /// <summary>Deletes finished instances created before <paramref name="createdTo"/>; returns how many.</summary>
    public Task<int> PurgeAsync(DateTimeOffset? createdFrom, DateTimeOffset createdTo, IReadOnlyList<OrchestrationRuntimeStatus>? statuses = null, CancellationToken cancellationToken = default) =>
        _store.PurgeAsync(createdFrom, createdTo, statuses, cancellationToken);

    /// <summary>Polls until the instance finishes or the timeout passes; returns its last status.</summary>
    public async Task<OrchestrationMetadata?> WaitForCompletionAsync(string instanceId, TimeSpan timeout, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        OrchestrationMetadata? status = null;
        try
        {
            while (true)
            {
                status = await GetStatusAsync(instanceId, showInput: false, cancellationToken: cts.Token);
                if (status is null || status.RuntimeStatus.IsTerminal())
                {
                    return status;
                }

                await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(200), cts.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return status;
        }
    }

    /// <summary>An input the orchestrator could not even read is refused at the door, not failed later.</summary>
    private void ValidateInput(string orchestratorName, string json)
    {
        try
        {
            _ = JsonSerializer.Deserialize(json, _registry.OrchestratorInputType(orchestratorName), OrchestrationJson.Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new ArgumentException($"The input does not fit orchestrator '{orchestratorName}': {e.Message}", nameof(json), e);
        }
    }

    /// <summary>Instance ids are path segments and Hangfire job arguments: keep them plain.</summary>
    public static void ValidateInstanceId(string instanceId)
    {
        if (!InstanceIdPattern().IsMatch(instanceId))
        {
            throw new ArgumentException("An instance id is 1 to 100 characters among letters, digits, '-', '_', '.' and ':'.", nameof(instanceId));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,100}$")]
    private static partial Regex InstanceIdPattern();

    private static OrchestrationMetadata ToMetadata(InstanceRecord i, bool showInput) =>
        new(i.Name, i.Id, i.Status, showInput ? Parse(i.Input) : null, Parse(i.CustomStatus), Parse(i.Output), i.CreatedAt, i.UpdatedAt) { Error = i.Error, Executions = i.Executions };

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private static string EncodeToken(DateTimeOffset createdAt, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{createdAt.UtcTicks}|{id}"));

    private static (DateTimeOffset, string) DecodeToken(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 2);
            return (new DateTimeOffset(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero), parts[1]);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new ArgumentException("The continuation token is not one this service issued.", nameof(token), e);
        }
    }
}
