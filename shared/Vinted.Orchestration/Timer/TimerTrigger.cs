using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Logging;

namespace Vinted.Orchestration.Timer;

/// <summary>
/// The self-host's timer: sleeps until each cron slot of its schedule and starts it through <see cref="SlotStarter"/>
/// (the Azure app's hourly timer starts its slots through the same code). Every host runs this timer; one start per
/// slot gets through, whichever host gets there first.
/// </summary>
public sealed class TimerTrigger(IOptions<ScheduleOptions> options, DurableTaskClient client, TimeProvider time, ILogger<TimerTrigger> logger) : BackgroundService
{
    /// <summary>Starts (or skips) the run of <paramref name="slot"/>; returns the slot's instance id and what this call did.</summary>
    public async Task<(string InstanceId, SlotOutcome Outcome)> FireAsync(DateTimeOffset slot, CancellationToken cancellationToken)
    {
        var (instanceId, outcome) = await SlotStarter.StartAsync(client, options.Value, slot, cancellationToken);
        logger.TimerSlot(options.Value.Name, slot, outcome.ToString(), instanceId);
        return (instanceId, outcome);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value;
        if (!schedule.Enabled)
        {
            return;
        }

        // A slot missed while no host was up is caught up once, if recent enough: the same rule as the Azure app's
        // hourly timer, for a timer that fires once, now.
        if (schedule.DueSlot(time.GetUtcNow(), period: TimeSpan.Zero, early: TimeSpan.Zero) is { } previous)
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

/// <summary>What a timer-started instance receives: its slot, and that a timer started it.</summary>
public sealed record TimerInput(DateTimeOffset Slot)
{
    public string Trigger => "timer";
}

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
