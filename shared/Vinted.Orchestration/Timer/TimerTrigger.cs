using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Logging;
using Vinted.Orchestration.Options;

namespace Vinted.Orchestration.Timer;

/// <summary>
/// Starts the scheduled orchestrator once per cron slot. Every host runs this timer. A host first claims the slot by
/// inserting its row in the hub's slot table (<see cref="SlotTableName"/>): an insert is atomic, so exactly one host
/// claims it, whichever gets there first. The provider's own start is not: it checks for the instance, then sends the
/// start message, so two hosts starting the same id at once both "succeed" (the duplicate start is dropped, but both
/// would report the slot as theirs). The claimer starts the instance under the id derived from the slot, with every
/// status as a dedupe status, so a start repeated after a crash is a no-op; a slot claimed by a host that died before
/// starting it is started by the next host that fires it, once the claim is older than <see cref="ClaimGrace"/>. A
/// slot that finds an earlier run still going starts a <see cref="SkippedSlot"/> instance under the slot's id
/// instead, so the skip is recorded where runs are.
/// </summary>
public sealed class TimerTrigger(
    IOptions<ScheduleOptions> options,
    IOptions<DurableTaskEngineOptions> engine,
    IOptions<EngineStorageOptions> storage,
    DurableTaskClient client,
    TimeProvider time,
    ILogger<TimerTrigger> logger) : BackgroundService
{
    /// <summary>How long a claim without an instance is left to its claimer before another host starts the slot.</summary>
    public static readonly TimeSpan ClaimGrace = TimeSpan.FromSeconds(10);

    private TableClient? _slots;

    /// <summary>Every status: a slot's id is used once, whatever became of its run.</summary>
    private static readonly string[] AnyStatus = Enum.GetNames<OrchestrationRuntimeStatus>();

    /// <summary>The instance id of a slot.</summary>
    public static string InstanceIdFor(string schedule, DateTimeOffset slot) =>
        $"{schedule}-{slot.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>The table of a hub's claimed timer slots (a table name: letters and digits).</summary>
    public static string SlotTableName(string hubName) => $"{hubName}TimerSlots";

    /// <summary>Starts (or skips) the run of <paramref name="slot"/>; returns the slot's instance id and what this call did.</summary>
    public async Task<(string InstanceId, SlotOutcome Outcome)> FireAsync(DateTimeOffset slot, CancellationToken cancellationToken)
    {
        var schedule = options.Value;
        var instanceId = InstanceIdFor(schedule.Name, slot);
        if (!await ClaimAsync(schedule.Name, instanceId, cancellationToken))
        {
            logger.TimerSlot(schedule.Name, slot, nameof(SlotOutcome.AlreadyTaken), instanceId);
            return (instanceId, SlotOutcome.AlreadyTaken);
        }

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

    /// <summary>
    /// Claims the slot for this host. False when another host (or this one before a restart) holds the claim and
    /// its instance exists, or shows up within <see cref="ClaimGrace"/> of the claim.
    /// </summary>
    private async Task<bool> ClaimAsync(string schedule, string instanceId, CancellationToken cancellationToken)
    {
        if (_slots is null)
        {
            var table = new TableClient(storage.Value.AzureWebJobsStorage, SlotTableName(engine.Value.HubName));
            await table.CreateIfNotExistsAsync(cancellationToken);
            _slots = table;
        }

        try
        {
            await _slots.AddEntityAsync(new TableEntity(schedule, instanceId), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Claimed already. Its claimer may have died between the claim and the start: wait out the grace.
            var claimed = (await _slots.GetEntityAsync<TableEntity>(schedule, instanceId, cancellationToken: cancellationToken)).Value.Timestamp ?? time.GetUtcNow();
            while (await client.GetInstanceAsync(instanceId, cancellationToken) is null)
            {
                var left = claimed + ClaimGrace - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    // No instance long after the claim: start it here; the start's dedupe still lets one through.
                    return true;
                }

                await Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), time, cancellationToken);
            }

            return false;
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
