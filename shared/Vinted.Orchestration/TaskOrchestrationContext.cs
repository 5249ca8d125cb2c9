using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vinted.Orchestration.Storage;

namespace Vinted.Orchestration;

/// <summary>
/// What an orchestrator sees of the runtime during one execution. Calls are numbered in the order they are
/// made; a call whose step is recorded returns the recorded result (or failure) at once, a call that is
/// new is scheduled when the execution ends, and a call still running never completes in this execution:
/// the execution is abandoned and the orchestrator runs again, from the top, once its steps finish.
/// </summary>
public sealed class TaskOrchestrationContext
{
    private readonly IReadOnlyList<StepRecord> _history;
    private readonly JsonSerializerOptions _json;
    private readonly Func<string, string> _queueOf;
    private readonly RetryPolicy _defaultRetry;
    private readonly List<NewStep> _newSteps = [];
    private int _next;

    internal TaskOrchestrationContext(
        InstanceRecord instance, IReadOnlyList<StepRecord> history, JsonSerializerOptions json, Func<string, string> queueOf, RetryPolicy defaultRetry)
    {
        InstanceId = instance.Id;
        Name = instance.Name;
        CurrentUtcDateTime = instance.CreatedAt;
        CustomStatus = instance.CustomStatus;
        _history = history;
        _json = json;
        _queueOf = queueOf;
        _defaultRetry = defaultRetry;
    }

    /// <summary>The instance's id.</summary>
    public string InstanceId { get; }

    /// <summary>The orchestrator's registered name.</summary>
    public string Name { get; }

    /// <summary>
    /// A clock that replays identically: the instance's start, moved forward to the completion time of each
    /// recorded step as its result is consumed.
    /// </summary>
    public DateTimeOffset CurrentUtcDateTime { get; private set; }

    /// <summary>True while the orchestrator is consuming recorded results.</summary>
    public bool IsReplaying => _next < _history.Count;

    internal IReadOnlyList<NewStep> NewSteps => _newSteps;

    internal int PendingCalls { get; private set; }

    internal Exception? Violation { get; private set; }

    internal string? CustomStatus { get; private set; }

    /// <summary>Calls an activity and returns its result; see the class remarks for what awaiting it means.</summary>
    public Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, RetryPolicy? retry = null)
    {
        var seq = _next++;
        var inputJson = JsonSerializer.Serialize(input, _json);
        var inputHash = Hash(inputJson);
        if (seq >= _history.Count)
        {
            _newSteps.Add(new NewStep(seq, name, _queueOf(name), inputJson, inputHash, retry ?? _defaultRetry));
            return Pending<TResult>();
        }

        var step = _history[seq];
        if (step.Name != name || step.InputHash != inputHash)
        {
            Violation ??= new NonDeterministicOrchestrationException(
                $"Step {seq} was recorded as a call to '{step.Name}' with input hash {step.InputHash[..12]}, " +
                $"but the orchestrator now calls '{name}' with input hash {inputHash[..12]}. Orchestrator code must " +
                "make the same calls in the same order on every execution.");
            return Task.FromException<TResult>(Violation);
        }

        switch (step.Status)
        {
            case StepStatus.Completed:
                Advance(step.CompletedAt);
                return Task.FromResult(step.Output is null ? default! : JsonSerializer.Deserialize<TResult>(step.Output, _json)!);
            case StepStatus.Failed:
                Advance(step.CompletedAt);
                return Task.FromException<TResult>(new TaskFailedException(step.Name, seq, step.Error));
            default:
                return Pending<TResult>();
        }
    }

    /// <summary>Calls an activity whose result is not needed.</summary>
    public Task CallActivityAsync(string name, object? input = null, RetryPolicy? retry = null) =>
        CallActivityAsync<JsonElement?>(name, input, retry);

    /// <summary>Sets the progress shown as <c>customStatus</c> in the instance's status; saved when the execution ends.</summary>
    public void SetCustomStatus(object? status) => CustomStatus = status is null ? null : JsonSerializer.Serialize(status, _json);

    private Task<T> Pending<T>()
    {
        PendingCalls++;
        return new TaskCompletionSource<T>().Task;
    }

    private void Advance(DateTimeOffset? time)
    {
        if (time > CurrentUtcDateTime)
        {
            CurrentUtcDateTime = time.Value;
        }
    }

    private static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}

/// <summary>An activity call made for the first time in this execution.</summary>
internal sealed record NewStep(int Seq, string Name, string Queue, string InputJson, string InputHash, RetryPolicy Retry);
