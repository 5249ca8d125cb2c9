using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Orchestration.Logging;
using Vinted.Orchestration.Options;
using Vinted.Orchestration.Storage;

namespace Vinted.Orchestration.Execution;

/// <summary>
/// The safety net under the happy path: a host can die between committing a step or a wake-up and handing
/// it to Hangfire. Every interval, one host (an advisory lock elects it) dispatches steps and wake-ups
/// older than the grace period that nobody performed, and purges instances past their retention.
/// </summary>
internal sealed class Sweeper(LedgerStore store, Dispatcher dispatcher, IOptions<OrchestrationOptions> options, TimeProvider time, ILogger<Sweeper> logger)
    : BackgroundService
{
    private const long LockKey = 0x56696e74_65644457; // "VintedDW"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                logger.SweepFailed(e); // PostgreSQL is down or restarting: try again next interval
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns the number of steps and instances it had to dispatch or wake.</summary>
    public async Task<(int Steps, int Instances)> SweepAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand($"select pg_try_advisory_lock({LockKey})", connection))
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return (0, 0);
            }
        }

        try
        {
            var cutoff = store.Now - options.Value.SweepGrace;
            var steps = await store.UndispatchedAsync(null, cutoff, 10_000, cancellationToken);
            await dispatcher.DispatchAsync(steps, cancellationToken);
            var wakes = await store.OverdueWakesAsync(cutoff, cancellationToken);
            foreach (var id in wakes)
            {
                dispatcher.Wake(id);
            }

            if (steps.Count + wakes.Count > 0)
            {
                logger.Swept(steps.Count, wakes.Count);
            }

            if (options.Value.Retention is { } retention)
            {
                var purgeBefore = store.Now - retention;
                var purged = await store.PurgeAsync(null, purgeBefore, null, cancellationToken);
                if (purged > 0)
                {
                    logger.Purged(purged, purgeBefore);
                }
            }

            return (steps.Count, wakes.Count);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"select pg_advisory_unlock({LockKey})", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
