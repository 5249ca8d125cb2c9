using Microsoft.DurableTask;

namespace Vinted.Orchestration.Timer;

/// <summary>A slot that found an earlier run still going: the run that was not started, and why.</summary>
public sealed record SkippedSlotInput(DateTimeOffset Slot, string RunningInstanceId);

/// <summary>
/// The record of a skipped timer slot: an instance under the slot's id that completes at once with the reason, so
/// the slot is taken (no host starts it later) and the skip shows in the instance list beside the runs.
/// </summary>
public sealed class SkippedSlot : TaskOrchestrator<SkippedSlotInput, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, SkippedSlotInput input) =>
        Task.FromResult($"Skipped: instance {input.RunningInstanceId} was still running at slot {input.Slot:O}.");
}
