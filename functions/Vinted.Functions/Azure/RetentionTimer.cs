using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Timer;

namespace Vinted.Functions.Azure;

/// <summary>
/// The retention purge in Azure, as the self-host purges hourly: finished instances whose last update is older than
/// <c>DurableTask:Retention</c>, so the task hub in the storage account does not grow for ever.
/// </summary>
public sealed partial class RetentionTimer(IOptions<RetentionOptions> retention, TimeProvider time, ILogger<RetentionTimer> logger)
{
    /// <summary>Hourly at half past (six fields, UTC): off the whole hour, when the run timers wake.</summary>
    internal const string PurgeCron = "0 30 * * * *";

    /// <summary>
    /// Purges by id through the client (<see cref="FinishedInstancePurge"/>): the Durable extension's
    /// <see cref="PurgeInstancesFilter"/> filters by creation time only, which would purge a run rewound yesterday
    /// because it was started before the cutoff.
    /// </summary>
    [Function("RetentionPurge")]
    public async Task RetentionPurgeAsync([TimerTrigger(PurgeCron)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (retention.Value.Retention <= TimeSpan.Zero)
        {
            return;
        }

        var cutoff = time.GetUtcNow() - retention.Value.Retention;
        var purged = await FinishedInstancePurge.PurgeAsync(client, cutoff, cancellationToken);
        LogPurged(purged, cutoff, timer.IsPastDue);
    }

    [LoggerMessage(701, LogLevel.Information, "Retention purge: {Count} instances finished before {Cutoff} (past due: {PastDue})")]
    private partial void LogPurged(int count, DateTimeOffset cutoff, bool pastDue);
}
