namespace Vinted.Orchestration;

/// <summary>
/// An activity: one unit of I/O called by an orchestrator. Activities run at least once: a host that
/// dies mid-activity leaves it to run again elsewhere, so an activity must be idempotent (same input,
/// same effect, however many times it runs).
/// </summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    Type ITaskActivity.InputType => typeof(TInput);

    /// <summary>Runs the activity.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input, CancellationToken cancellationToken);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input, CancellationToken cancellationToken) =>
        await RunAsync(context, (TInput)input!, cancellationToken);
}

/// <summary>The untyped view of an activity that the runtime executes.</summary>
public interface ITaskActivity
{
    internal Type InputType { get; }

    internal Task<object?> RunAsync(TaskActivityContext context, object? input, CancellationToken cancellationToken);
}

/// <summary>What an activity knows of its call.</summary>
/// <param name="InstanceId">The orchestration instance that called it.</param>
/// <param name="StepId">The call's position in the orchestrator: stable across re-executions and retries.</param>
/// <param name="Name">The activity's registered name.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, and so on.</param>
public sealed record TaskActivityContext(string InstanceId, int StepId, string Name, int Attempt);
