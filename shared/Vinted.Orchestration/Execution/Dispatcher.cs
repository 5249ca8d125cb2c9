using Hangfire;
using Hangfire.States;
using Vinted.Orchestration.Storage;

namespace Vinted.Orchestration.Execution;

/// <summary>Hands steps and orchestrator wake-ups to Hangfire queues.</summary>
internal sealed class Dispatcher(IBackgroundJobClient jobs, LedgerStore store)
{
    // Enqueuing is one round trip per job; a few in parallel keep a large fan-out from waiting on latency.
    private const int Parallelism = 4;

    // Small enough that a dispatch marks progress every second or so, however large the fan-out.
    private const int ChunkSize = 200;

    public void Wake(string instanceId) =>
        jobs.Create<OrchestratorJob>(j => j.RunAsync(instanceId, CancellationToken.None), new EnqueuedState(OrchestrationRegistry.OrchestratorQueue));

    public void Retry(StepRef step, DateTimeOffset at) =>
        jobs.Schedule<ActivityJob>(step.Queue, j => j.RunAsync(step.InstanceId, step.Seq, at, CancellationToken.None), at);

    /// <summary>
    /// Enqueues the steps chunk by chunk, marking each chunk dispatched as it goes: a crash in between enqueues
    /// a chunk twice, never zero times, and the marks tell the sweeper this dispatch is alive.
    /// </summary>
    public async Task DispatchAsync(IReadOnlyList<StepRef> steps, CancellationToken cancellationToken)
    {
        foreach (var chunk in steps.Chunk(ChunkSize))
        {
            await Parallel.ForEachAsync(
                chunk,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                (step, _) =>
                {
                    jobs.Create<ActivityJob>(j => j.RunAsync(step.InstanceId, step.Seq, null, CancellationToken.None), new EnqueuedState(step.Queue));
                    return ValueTask.CompletedTask;
                });
            foreach (var group in chunk.GroupBy(s => s.InstanceId))
            {
                await store.MarkDispatchedAsync(group.Key, group.Select(s => s.Seq).ToList(), cancellationToken);
            }
        }
    }
}
