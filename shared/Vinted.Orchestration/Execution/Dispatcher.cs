using Hangfire;
using Hangfire.States;
using Vinted.Orchestration.Storage;

namespace Vinted.Orchestration.Execution;

/// <summary>Hands steps and orchestrator wake-ups to Hangfire queues.</summary>
internal sealed class Dispatcher(IBackgroundJobClient jobs, LedgerStore store)
{
    // Enqueuing is one round trip per job; a few in parallel keep a large fan-out from waiting on latency.
    private const int Parallelism = 4;

    public void Wake(string instanceId) =>
        jobs.Create<OrchestratorJob>(j => j.RunAsync(instanceId, CancellationToken.None), new EnqueuedState(OrchestrationRegistry.OrchestratorQueue));

    public void Retry(StepRef step, DateTimeOffset at) =>
        jobs.Schedule<ActivityJob>(step.Queue, j => j.RunAsync(step.InstanceId, step.Seq, at, CancellationToken.None), at);

    /// <summary>Enqueues the steps, then marks them dispatched (a crash in between enqueues them twice, never zero times).</summary>
    public async Task DispatchAsync(IReadOnlyList<StepRef> steps, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            steps,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            (step, _) =>
            {
                jobs.Create<ActivityJob>(j => j.RunAsync(step.InstanceId, step.Seq, null, CancellationToken.None), new EnqueuedState(step.Queue));
                return ValueTask.CompletedTask;
            });
        foreach (var group in steps.GroupBy(s => s.InstanceId))
        {
            await store.MarkDispatchedAsync(group.Key, group.Select(s => s.Seq).ToList(), cancellationToken);
        }
    }
}
