namespace Vinted.Orchestration;

/// <summary>
/// An orchestrator: deterministic code that coordinates activities. It is re-executed from the top each
/// time it is woken; finished activity calls return their recorded results, so it must only use the
/// context's clock and ids, and call activities in the same order for the same results.
/// </summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    Type ITaskOrchestrator.InputType => typeof(TInput);

    /// <summary>Runs the orchestration.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>The untyped view of an orchestrator that the runtime executes.</summary>
public interface ITaskOrchestrator
{
    internal Type InputType { get; }

    internal Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}
