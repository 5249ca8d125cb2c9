using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Logging;
using Vinted.Orchestration.Storage;

namespace Vinted.Orchestration.Timer;

/// <summary>
/// Starts the scheduled orchestrator once per cron slot. Every host runs this timer; the slot row in
/// <c>durable.timer_slots</c> decides which host acts, and the instance id derived from the slot makes a
/// start repeated after a crash a no-op. A slot that finds the previous run still going is recorded as
/// skipped instead of piling up a second run.
/// </summary>
public sealed class TimerTrigger : BackgroundService
{
    private readonly IOptions<ScheduleOptions> _options;
    private readonly LedgerStore _store;
    private readonly DurableClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger<TimerTrigger> _logger;

    internal TimerTrigger(IOptions<ScheduleOptions> options, LedgerStore store, DurableClient client, TimeProvider time, ILogger<TimerTrigger> logger)
    {
        _options = options;
        _store = store;
        _client = client;
        _time = time;
        _logger = logger;
    }

    /// <summary>The instance id of a slot.</summary>
    public static string InstanceIdFor(string schedule, DateTimeOffset slot) =>
        $"{schedule}-{slot.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _options.Value;
        if (!options.Enabled)
        {
            return;
        }

        // A slot missed while no host was up is caught up once, if recent enough.
        var now = _time.GetUtcNow();
        var previous = options.Expression.GetOccurrences(now - options.CatchUpWindow, now, options.Zone, fromInclusive: true, toInclusive: true).LastOrDefault();
        if (previous != default)
        {
            await FireSafelyAsync(previous, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = options.Expression.GetNextOccurrence(_time.GetUtcNow(), options.Zone);
            if (next is null)
            {
                return;
            }

            var wait = next.Value - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, stoppingToken);
            }

            await FireSafelyAsync(next.Value, stoppingToken);
        }
    }

    /// <summary>Claims <paramref name="slot"/> and starts (or skips) its run; returns the recorded outcome.</summary>
    public async Task<(string InstanceId, string Outcome)> FireAsync(DateTimeOffset slot, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var instanceId = InstanceIdFor(options.Name, slot);
        await using (var connection = await _store.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var running = await _store.FindUnfinishedAsync(options.Orchestrator, connection, cancellationToken);
            var (outcome, reason) = running is null || running == instanceId
                ? ("Started", (string?)null)
                : ("Skipped", $"instance {running} was still running");
            var claimed = await _store.ClaimSlotAsync(connection, options.Name, slot, instanceId, outcome, reason, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (claimed)
            {
                _logger.TimerSlot(options.Name, slot, outcome, instanceId);
            }
        }

        var recorded = await _store.GetSlotAsync(options.Name, slot, cancellationToken);
        if (recorded?.Outcome == "Started")
        {
            // Idempotent: every host that sees the slot as started makes sure the instance exists.
            await _client.StartNewAsync(options.Orchestrator, new TimerInput(slot), instanceId, cancellationToken);
        }

        return (instanceId, recorded?.Outcome ?? "Unknown");
    }

    private async Task FireSafelyAsync(DateTimeOffset slot, CancellationToken cancellationToken)
    {
        try
        {
            await FireAsync(slot, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            _logger.TimerFailed(_options.Value.Name, e);
        }
    }
}

/// <summary>What a timer-started instance receives: its slot.</summary>
public sealed record TimerInput(DateTimeOffset Slot);
