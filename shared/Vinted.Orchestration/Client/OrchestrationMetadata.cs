using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vinted.Orchestration.Client;

/// <summary>An instance's status in the shape of Durable Functions' status query.</summary>
public sealed record OrchestrationMetadata(
    string Name,
    string InstanceId,
    OrchestrationRuntimeStatus RuntimeStatus,
    JsonElement? Input,
    JsonElement? CustomStatus,
    JsonElement? Output,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime)
{
    /// <summary>How many times the orchestrator ran (a fan-out of N activities costs one re-execution, not N).</summary>
    public int Executions { get; init; }

    /// <summary>Why the instance failed, when it did.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>Steps by activity name and state (live progress of a fan-out, which <see cref="CustomStatus"/> only shows per execution).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? Progress { get; init; }

    /// <summary>Every step with its timings, attempts and errors, when asked for (<c>showHistory=true</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<StepHistory>? HistoryEvents { get; init; }

    /// <summary>Deserializes the output.</summary>
    public T? ReadOutputAs<T>() => Output is { } output ? output.Deserialize<T>(Execution.OrchestrationJson.Options) : default;

    /// <summary>Deserializes the custom status.</summary>
    public T? ReadCustomStatusAs<T>() => CustomStatus is { } status ? status.Deserialize<T>(Execution.OrchestrationJson.Options) : default;
}

/// <summary>One step of an instance's history.</summary>
public sealed record StepHistory(
    int StepId,
    string Name,
    string Status,
    int Attempts,
    int Rewinds,
    DateTimeOffset ScheduledTime,
    DateTimeOffset? StartedTime,
    DateTimeOffset? CompletedTime,
    double? DurationMs,
    string? Error,
    JsonElement Errors);

/// <summary>A page of instances and the token of the next page (null on the last).</summary>
public sealed record InstancePage(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);

/// <summary>Filters of an instance listing.</summary>
public sealed record InstanceFilter
{
    public IReadOnlyList<OrchestrationRuntimeStatus>? RuntimeStatus { get; init; }

    public DateTimeOffset? CreatedTimeFrom { get; init; }

    public DateTimeOffset? CreatedTimeTo { get; init; }

    public string? Name { get; init; }

    public int Top { get; init; } = 100;

    public string? ContinuationToken { get; init; }

    public bool ShowInput { get; init; }
}
