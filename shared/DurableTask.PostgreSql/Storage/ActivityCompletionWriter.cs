using System.Threading.Channels;
using DurableTask.Core;
using DurableTask.PostgreSql.Logging;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// Writes activity results in batches: each completion waits for the transaction that holds it, and the results that
/// arrive while one transaction commits go together in the next (group commit). A result counts only if its call's
/// row still carries the lease token it was taken with; a stale one (the lease expired, another worker runs the call)
/// is dropped and logged.
/// </summary>
internal sealed class ActivityCompletionWriter(NpgsqlDataSource dataSource, string orchestrationChannel, int batchSize, TimeProvider time, ILogger logger)
{
    private Channel<Completion> _queue = NewQueue();
    private Task? _loop;

    private sealed record Completion(PostgreSqlActivityWorkItem WorkItem, TaskMessage Result, TaskCompletionSource Written);

    public void Start()
    {
        if (_loop is { IsCompleted: false })
        {
            return;
        }

        _queue = NewQueue();
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Writes what was handed over, then stops.</summary>
    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    public Task CompleteAsync(PostgreSqlActivityWorkItem workItem, TaskMessage result)
    {
        var completion = new Completion(workItem, result, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(completion)
            ? completion.Written.Task
            : Task.FromException(new InvalidOperationException("The PostgreSQL task hub is stopped; the activity's call returns to the queue when its lease expires."));
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Completion>(batchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < batchSize && _queue.Reader.TryRead(out var completion))
            {
                batch.Add(completion);
            }

            try
            {
                // Fenced by the lease tokens: a retry after a commit whose answer was lost finds the calls gone and
                // writes nothing twice. So it is retried for as long as the leases hold: a completion given up earlier
                // fails the call back to the dispatcher, which hands it out to run a second time.
                Settle(batch, await Transient.RetryUntilAsync(_ => WriteAsync(batch), LeasesEnd(batch), time, dataSource, logger, "activity completions"));
            }
            catch (Exception e) when (batch.Count > 1)
            {
                // One completion that cannot be written must not fail the others (each would run again): one by one.
                logger.CompletionBatchFailed(batch.Count, e);
                foreach (var c in batch)
                {
                    try
                    {
                        Settle([c], await Transient.RetryUntilAsync(_ => WriteAsync([c]), LeasesEnd([c]), time, dataSource, logger, "activity completion"));
                    }
                    catch (Exception single)
                    {
                        c.Written.TrySetException(single);
                    }
                }
            }
            catch (Exception e)
            {
                logger.CompletionBatchFailed(batch.Count, e);
                batch[0].Written.TrySetException(e);
            }

            batch.Clear();
        }
    }

    /// <summary>When the first lease of the batch ends, less a margin for the clocks of host and database.</summary>
    private static DateTime LeasesEnd(List<Completion> batch) => batch.Min(c => c.WorkItem.LockedUntilUtc) - TimeSpan.FromSeconds(2);

    /// <summary>Completes the callers' waits; a result whose lease was gone is reported as dropped.</summary>
    private void Settle(List<Completion> batch, HashSet<long> written)
    {
        foreach (var c in batch)
        {
            if (!written.Contains(c.WorkItem.RowId))
            {
                var scheduled = c.WorkItem.TaskMessage.Event as global::DurableTask.Core.History.TaskScheduledEvent;
                logger.StaleActivityCompletion(scheduled?.Name ?? "?", c.WorkItem.TaskMessage.OrchestrationInstance.InstanceId, c.WorkItem.LeaseToken);
            }

            c.Written.TrySetResult();
        }
    }

    private async Task<HashSet<long>> WriteAsync(List<Completion> batch)
    {
        const string Sql =
            """
            with done as (
                delete from activity_tasks t
                using unnest(@ids, @tokens) as c(id, token)
                where t.id = c.id and t.lock_token = c.token
                returning t.id),
            sent as (
                insert into orchestration_messages (instance_id, visible_at, event_type, message)
                select r.instance_id, now(), r.event_type, r.message
                from unnest(@ids, @instance_ids, @event_types, @messages) as r(id, instance_id, event_type, message)
                join done on done.id = r.id
                where exists (select 1 from instances i where i.instance_id = r.instance_id))
            select id from done
            """;
        // One round trip: the statements of a batch run in one implicit transaction (one Sync), so the results and the
        // notification naming their instances commit together. A notification for results that all turned out stale
        // only wakes a poller for nothing.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var write = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(Sql)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<long[]>("ids", batch.Select(c => c.WorkItem.RowId).ToArray()),
                        new NpgsqlParameter<long[]>("tokens", batch.Select(c => c.WorkItem.LeaseToken).ToArray()),
                        new NpgsqlParameter<string[]>("instance_ids", batch.Select(c => c.Result.OrchestrationInstance.InstanceId).ToArray()),
                        new NpgsqlParameter<short[]>("event_types", batch.Select(c => (short)c.Result.Event.EventType).ToArray()),
                        new NpgsqlParameter<string[]>("messages", batch.Select(c => EventSerializer.Serialize(c.Result)).ToArray()),
                    },
                },
                WakeTargets.Notify(orchestrationChannel, batch.Select(c => c.Result.OrchestrationInstance.InstanceId)),
            },
        };

        var written = new HashSet<long>();
        await using (var reader = await write.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                written.Add(reader.GetInt64(0));
            }
        }

        return written;
    }

    private static Channel<Completion> NewQueue() => Channel.CreateUnbounded<Completion>(new UnboundedChannelOptions { SingleReader = true });
}
