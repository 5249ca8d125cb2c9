using System.Text.Json;
using DurableTask.Core.History;
using Vinted.Orchestration.Engine;

namespace Vinted.Orchestration.Client;

/// <summary>
/// One activity call of an instance: every attempt of the activity under the same <c>step</c> tag (the provider does
/// not keep activity inputs in the history, so a call names itself with a tag its retries repeat). Untagged calls
/// are a step per attempt.
/// </summary>
/// <param name="Status"><c>Completed</c>, <c>Failed</c> (its last attempt failed) or <c>Running</c>.</param>
/// <param name="DurationMs">From scheduling to result of the last attempt.</param>
public sealed record ActivityStep(
    string Name,
    string Step,
    int Attempts,
    string Status,
    DateTimeOffset Scheduled,
    DateTimeOffset? Completed,
    double? DurationMs,
    IReadOnlyList<StepFailure> Failures);

/// <summary>A failed attempt of a step.</summary>
public sealed record StepFailure(int Attempt, DateTimeOffset At, string Error);

/// <summary>A sub-orchestration an instance started.</summary>
public sealed record ChildInstance(string Name, string InstanceId);

/// <summary>What an instance's history says about its activity calls and children.</summary>
public sealed record InstanceSteps(IReadOnlyList<ActivityStep> Steps, IReadOnlyList<ChildInstance> Children);

/// <summary>
/// Reads an instance's history from the engine's store and folds it into steps: the retries of a call are
/// attempts of one step (the retry handler schedules the same activity with the same <c>step</c> tag again).
/// </summary>
public sealed class InstanceHistory(EngineStore store)
{
    public async Task<InstanceSteps> ReadAsync(string instanceId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var json = await store.Client.GetOrchestrationHistoryAsync(instanceId, executionId: null);
        return Fold(string.IsNullOrEmpty(json) ? default : JsonDocument.Parse(json).RootElement);
    }

    /// <summary>The steps of an instance and of all its sub-orchestrations, parents first.</summary>
    public async Task<IReadOnlyList<ActivityStep>> ReadTreeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var steps = new List<ActivityStep>();
        var pending = new Queue<string>([instanceId]);
        while (pending.TryDequeue(out var id))
        {
            var instance = await ReadAsync(id, cancellationToken);
            steps.AddRange(instance.Steps);
            foreach (var child in instance.Children)
            {
                pending.Enqueue(child.InstanceId);
            }
        }

        return steps;
    }

    /// <summary>Folds the provider's JSON history (an array of history events) into steps.</summary>
    internal static InstanceSteps Fold(JsonElement events)
    {
        var scheduled = new Dictionary<int, (string Name, string Step)>();
        var steps = new Dictionary<(string, string), StepBuilder>();
        var order = new List<StepBuilder>();
        var children = new List<ChildInstance>();
        if (events.ValueKind != JsonValueKind.Array)
        {
            return new InstanceSteps([], []);
        }

        foreach (var e in events.EnumerateArray())
        {
            var type = (EventType)Int(e, "EventType");
            var at = e.TryGetProperty("Timestamp", out var ts) && ts.TryGetDateTimeOffset(out var t) ? t : default;
            switch (type)
            {
                case EventType.TaskScheduled:
                    var name = Text(e, "Name") ?? "?";
                    var id = Int(e, "EventId");
                    var tag = e.TryGetProperty("Tags", out var tags) && tags.ValueKind == JsonValueKind.Object ? Text(tags, "step") : null;
                    var key = tag ?? $"#{id}";
                    scheduled[id] = (name, key);
                    if (!steps.TryGetValue((name, key), out var step))
                    {
                        steps[(name, key)] = step = new StepBuilder(name, key, at);
                        order.Add(step);
                    }

                    step.Attempts++;
                    step.Status = "Running";
                    step.LastScheduled = at;
                    break;
                case EventType.TaskCompleted or EventType.TaskFailed when scheduled.TryGetValue(Int(e, "TaskScheduledId"), out var call):
                    var done = steps[(call.Name, call.Step)];
                    done.Completed = at;
                    done.DurationMs = (at - done.LastScheduled).TotalMilliseconds;
                    done.Status = type == EventType.TaskCompleted ? "Completed" : "Failed";
                    if (type == EventType.TaskFailed)
                    {
                        done.Failures.Add(new StepFailure(done.Attempts, at, ErrorOf(e)));
                    }

                    break;
                case EventType.SubOrchestrationInstanceCreated:
                    children.Add(new ChildInstance(Text(e, "Name") ?? "?", Text(e, "InstanceId") ?? "?"));
                    break;
            }
        }

        return new InstanceSteps(
            order.Select(s => new ActivityStep(s.Name, s.Step, s.Attempts, s.Status, s.First, s.Completed, s.DurationMs, s.Failures)).ToList(),
            children);
    }

    private static string ErrorOf(JsonElement e) =>
        e.TryGetProperty("FailureDetails", out var f) && f.ValueKind == JsonValueKind.Object
            ? $"{Text(f, "ErrorType")}: {Text(f, "ErrorMessage")}"
            : Text(e, "Reason") ?? "(no message)";

    private static int Int(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : -1;

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private sealed class StepBuilder(string name, string step, DateTimeOffset first)
    {
        public string Name { get; } = name;

        public string Step { get; } = step;

        public DateTimeOffset First { get; } = first;

        public DateTimeOffset LastScheduled { get; set; } = first;

        public int Attempts { get; set; }

        public string Status { get; set; } = "Running";

        public DateTimeOffset? Completed { get; set; }

        public double? DurationMs { get; set; }

        public List<StepFailure> Failures { get; } = [];
    }
}
