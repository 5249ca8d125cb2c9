using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask.Client;
using Vinted.Orchestration.Client;

namespace Vinted.Orchestration.Http;

/// <summary>An instance's status in the shape of Durable Functions' status query.</summary>
public sealed record InstanceStatus(
    string Name,
    string InstanceId,
    OrchestrationRuntimeStatus RuntimeStatus,
    JsonElement? Input,
    JsonElement? CustomStatus,
    JsonElement? Output,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime)
{
    /// <summary>Why the instance failed, when it did.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>Every activity call with its attempts, timings and errors, when asked for (<c>showHistory=true</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ActivityStep>? HistoryEvents { get; init; }

    /// <summary>The instance's sub-orchestrations, with the history (<c>showHistory=true</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChildInstance>? Children { get; init; }

    /// <summary>The status of <paramref name="m"/>, its payloads as JSON (they are stored as JSON text).</summary>
    public static InstanceStatus From(OrchestrationMetadata m) => new(
        m.Name,
        m.InstanceId,
        m.RuntimeStatus,
        Parse(m.SerializedInput),
        Parse(m.SerializedCustomStatus),
        Parse(m.SerializedOutput),
        m.CreatedAt,
        m.LastUpdatedAt)
    {
        Error = m.FailureDetails is { } f ? $"{f.ErrorType}: {f.ErrorMessage}"
            : m.RuntimeStatus == OrchestrationRuntimeStatus.Failed ? m.SerializedOutput : null,
    };

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException)
        {
            // A failure's output or a termination reason can be plain text.
            return JsonSerializer.SerializeToElement(json);
        }
    }
}
