using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Vinted.Orchestration.Timer;

/// <summary>
/// Starts the run of one timer slot, for both hosts (the self-host's <see cref="TimerTrigger"/>, the Azure app's
/// hourly timer). The instance id derived from the slot, started with every status as a dedupe status, lets exactly
/// one start per slot through, whichever host gets there first, and makes a start repeated after a crash a no-op. A
/// slot that finds an earlier run still going starts a <see cref="SkippedSlot"/> instance under the slot's id instead,
/// so the skip is recorded where runs are.
/// </summary>
public static class SlotStarter
{
    /// <summary>Every status: a slot's id is used once, whatever became of its run.</summary>
    private static readonly OrchestrationRuntimeStatus[] AnyStatus = Enum.GetValues<OrchestrationRuntimeStatus>();

    /// <summary>The instance id of a slot.</summary>
    public static string InstanceIdFor(string schedule, DateTimeOffset slot) =>
        $"{schedule}-{slot.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>Starts (or skips) the run of <paramref name="slot"/>; returns the slot's instance id and what this call did.</summary>
    public static async Task<(string InstanceId, SlotOutcome Outcome)> StartAsync(
        DurableTaskClient client, ScheduleOptions schedule, DateTimeOffset slot, CancellationToken cancellationToken)
    {
        var instanceId = InstanceIdFor(schedule.Name, slot);

        // The look-up first: a backend that ignores dedupe statuses would otherwise start a finished slot again.
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not null)
        {
            return (instanceId, SlotOutcome.AlreadyTaken);
        }

        var running = await FindActiveRunAsync(client, schedule.Orchestrator, instanceId, cancellationToken);
        var (name, input, outcome) = running is null
            ? (schedule.Orchestrator, (object)new TimerInput(slot), SlotOutcome.Started)
            : (nameof(SkippedSlot), new SkippedSlotInput(slot, running), SlotOutcome.Skipped);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                name, input, new StartOrchestrationOptions(instanceId).WithDedupeStatuses(AnyStatus), cancellationToken);
            return (instanceId, outcome);
        }
        catch (InvalidOperationException)
        {
            // Another host, or this one before a restart, has taken the slot already.
            return (instanceId, SlotOutcome.AlreadyTaken);
        }
    }

    private static async Task<string?> FindActiveRunAsync(DurableTaskClient client, string orchestrator, string slotInstanceId, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended],
        };
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (instance.Name == orchestrator && instance.InstanceId != slotInstanceId)
            {
                return instance.InstanceId;
            }
        }

        return null;
    }
}
