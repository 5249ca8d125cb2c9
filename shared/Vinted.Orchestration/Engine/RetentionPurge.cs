using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Logging;
using Vinted.Orchestration.Options;

namespace Vinted.Orchestration.Engine;

/// <summary>Purges finished instances older than <see cref="DurableTaskEngineOptions.Retention"/>, hourly; several hosts doing it is harmless.</summary>
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
                var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(null, cutoff, null), stoppingToken);
                if (result.PurgedInstanceCount > 0)
                {
                    logger.Purged(result.PurgedInstanceCount, cutoff);
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
