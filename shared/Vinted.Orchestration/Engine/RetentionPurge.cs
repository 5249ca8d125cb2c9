using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Logging;
using Vinted.Orchestration.Options;
using Vinted.Orchestration.Timer;

namespace Vinted.Orchestration.Engine;

/// <summary>
/// Purges finished instances whose last update is older than <see cref="DurableTaskEngineOptions.Retention"/>, hourly, by
/// the code the Azure app's purge timer runs (<see cref="FinishedInstancePurge"/>); several hosts doing it is harmless.
/// </summary>
internal sealed class RetentionPurge(DurableTaskClient client, IOptions<DurableTaskEngineOptions> options, TimeProvider time, ILogger<RetentionPurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.Retention;
        if (retention <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            var cutoff = time.GetUtcNow() - retention;
            try
            {
                var purged = await FinishedInstancePurge.PurgeAsync(client, cutoff, stoppingToken);
                if (purged > 0)
                {
                    logger.Purged(purged, cutoff);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.PurgeFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
