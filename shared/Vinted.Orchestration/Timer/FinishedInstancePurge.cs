using System.ComponentModel.DataAnnotations;
using Microsoft.DurableTask.Client;

namespace Vinted.Orchestration.Timer;

/// <summary>The retention setting a host's purge timer reads: <c>DurableTask:Retention</c>, the self-host's key.</summary>
public sealed class RetentionOptions
{
    public const string Section = "DurableTask";

    /// <summary>Finished instances whose last update is older than this are purged; zero keeps them all.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// Purges finished instances (completed, failed, terminated) whose last update is older than a cutoff, by id. Retention
/// counts from when a run finished, not from when it started: a run started 40 days ago that failed and was rewound
/// yesterday stays. The Durable extension's <see cref="PurgeInstancesFilter"/> filters by creation time only
/// (<c>CreatedFrom</c>/<c>CreatedTo</c>), so the instances are listed and each one old enough is purged through
/// <see cref="DurableTaskClient.PurgeInstanceAsync(string, CancellationToken)"/>; any engine's client serves both.
/// </summary>
public static class FinishedInstancePurge
{
    /// <summary>The statuses an instance can no longer leave by itself.</summary>
    public static readonly IReadOnlyList<OrchestrationRuntimeStatus> Finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    /// <summary>The ids of the finished instances last updated before <paramref name="cutoff"/>.</summary>
    public static async Task<IReadOnlyList<string>> DueAsync(DurableTaskClient client, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // An instance last updated before the cutoff was created before it, so CreatedTo only narrows the listing; the
        // listing has no payloads. The ids are collected first: purging while paging could move the pages under the cursor.
        var query = new OrchestrationQuery { Statuses = [.. Finished], CreatedTo = cutoff, FetchInputsAndOutputs = false, PageSize = 100 };
        var due = new List<string>();
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (instance.LastUpdatedAt < cutoff && Finished.Contains(instance.RuntimeStatus))
            {
                due.Add(instance.InstanceId);
            }
        }

        return due;
    }

    /// <summary>Purges every instance <see cref="DueAsync"/> lists; returns how many were purged.</summary>
    public static async Task<int> PurgeAsync(DurableTaskClient client, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var purged = 0;
        foreach (var instanceId in await DueAsync(client, cutoff, cancellationToken))
        {
            // Another host purging at the same time makes this one find nothing: harmless.
            purged += (await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken)).PurgedInstanceCount;
        }

        return purged;
    }
}
