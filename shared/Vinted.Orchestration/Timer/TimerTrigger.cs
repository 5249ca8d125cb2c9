using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Logging;

namespace Vinted.Orchestration.Timer;

/// <summary>
/// Starts the scheduled orchestrator once per cron slot. Every host runs this timer; the instance id derived from
/// the slot, started with every status as a dedupe status, lets exactly one start per slot through, whichever host
/// gets there first, and makes a start repeated after a crash a no-op. A slot that finds an earlier run still going
/// starts a <see cref="SkippedSlot"/> instance under the slot's id instead, so the skip is recorded where runs are.
/// </summary>
public sealed class TimerTrigger(IOptions<ScheduleOptions> options, DurableTaskClient client, TimeProvider time, ILogger<TimerTrigger> logger) : BackgroundService
{
    /// <summary>Every status: a slot's id is used once, whatever became of its run.</summary>
    private static readonly string[] AnyStatus = Enum.GetNames<OrchestrationRuntimeStatus>();

    /// <summary>The instance id of a slot.</summary>
    public static string InstanceIdFor(string schedule, DateTimeOffset slot) =>
        $"{schedule}-{slot.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>Starts (or skips) the run of <paramref name="slot"/>; returns the slot's instance id and what this call did.</summary>
    public async Task<(string InstanceId, SlotOutcome Outcome)> FireAsync(DateTimeOffset slot, CancellationToken cancellationToken)
    {
        var schedule = options.Value;
        var instanceId = InstanceIdFor(schedule.Name, slot);
        var running = await FindActiveRunAsync(schedule.Orchestrator, instanceId, cancellationToken);
        var (name, input, outcome) = running is null
            ? (schedule.Orchestrator, (object)new TimerInput(slot), SlotOutcome.Started)
            : (nameof(SkippedSlot), new SkippedSlotInput(slot, running), SlotOutcome.Skipped);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                name, input, new StartOrchestrationOptions(instanceId) { DedupeStatuses = AnyStatus }, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Another host, or this one before a restart, has taken the slot already.
            outcome = SlotOutcome.AlreadyTaken;
        }

        logger.TimerSlot(schedule.Name, slot, outcome.ToString(), instanceId);
        return (instanceId, outcome);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value;
        if (!schedule.Enabled)
        {
            return;
        }

        // A slot missed while no host was up is caught up once, if recent enough.
        var now = time.GetUtcNow();
        var previous = schedule.Expression.GetOccurrences(now - schedule.CatchUpWindow, now, schedule.Zone, fromInclusive: true, toInclusive: true).LastOrDefault();
        if (previous != default)
        {
            await FireSafelyAsync(previous, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = schedule.Expression.GetNextOccurrence(time.GetUtcNow(), schedule.Zone);
            if (next is null)
            {
                return;
            }

            var wait = next.Value - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken);
            }

            await FireSafelyAsync(next.Value, stoppingToken);
        }
    }

    private async Task<string?> FindActiveRunAsync(string orchestrator, string slotInstanceId, CancellationToken cancellationToken)
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

    private async Task FireSafelyAsync(DateTimeOffset slot, CancellationToken cancellationToken)
    {
        try
        {
            await FireAsync(slot, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The store may be down for a moment: the next slot tries again, and catch-up covers a restart.
            logger.TimerFailed(options.Value.Name, e);
        }
    }
}

/// <summary>What a timer-started instance receives: its slot.</summary>
public sealed record TimerInput(DateTimeOffset Slot);

/// <summary>What one call of <see cref="TimerTrigger.FireAsync"/> did.</summary>
public enum SlotOutcome
{
    /// <summary>Started the slot's run.</summary>
    Started,

    /// <summary>Recorded the slot as skipped: an earlier run was still going.</summary>
    Skipped,

    /// <summary>Nothing: the slot's id was taken already.</summary>
    AlreadyTaken,
}
