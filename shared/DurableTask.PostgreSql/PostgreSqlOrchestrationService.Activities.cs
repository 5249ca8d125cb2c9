using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.PostgreSql.Storage;
using Npgsql;

namespace DurableTask.PostgreSql;

// The activity side: calls are taken in batches into a small local buffer (one statement for many calls), handed to
// the dispatcher one by one, renewed while they run, and completed through the batching writer.
public sealed partial class PostgreSqlOrchestrationService
{
    private readonly ConcurrentQueue<PostgreSqlActivityWorkItem> _taken = new();
    private readonly SemaphoreSlim _takeGate = new(1, 1);

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        var deadline = Time.GetUtcNow() + receiveTimeout;
        await _takeGate.WaitAsync(linked.Token);
        try
        {
            do
            {
                if (await NextTakenAsync(linked.Token) is { } buffered)
                {
                    return buffered;
                }

                await TakeActivitiesAsync(linked.Token);
                if (await NextTakenAsync(linked.Token) is { } taken)
                {
                    return taken;
                }
            }
            while (await WaitForWorkAsync(_notifications.Activities, deadline, linked.Token));
        }
        finally
        {
            _takeGate.Release();
        }

        return null!;
    }

    /// <summary>
    /// The next buffered call. One that waited in the buffer for half its lease is renewed before it is handed out, so
    /// a call never starts on a lease about to expire; one whose lease is already gone is skipped (another worker has it).
    /// </summary>
    private async Task<PostgreSqlActivityWorkItem?> NextTakenAsync(CancellationToken cancellationToken)
    {
        while (_taken.TryDequeue(out var item))
        {
            if (item.LockedUntilUtc - Time.GetUtcNow().UtcDateTime > Lease / 2)
            {
                return item;
            }

            if (await TryRenewAsync(item, cancellationToken))
            {
                return item;
            }
        }

        return null;
    }

    private async Task TakeActivitiesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            update activity_tasks t
            set lock_owner = @owner, lock_token = nextval('lease_tokens'), locked_until = now() + @lease, dequeue_count = t.dequeue_count + 1
            from (select id from activity_tasks
                  where locked_until is null or locked_until < now()
                  order by id
                  limit @limit
                  for update skip locked) next
            where t.id = next.id
            returning t.id, t.lock_token, t.locked_until, t.message
            """);
        command.Parameters.Add(P("owner", _settings.WorkerId));
        command.Parameters.Add(Interval("lease", Lease));
        command.Parameters.Add(P("limit", Math.Min(_settings.ActivityBatchSize, _settings.MaxConcurrentActivities)));
        var taken = new List<PostgreSqlActivityWorkItem>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var message = EventSerializer.DeserializeMessage(reader.GetString(3));
                taken.Add(new PostgreSqlActivityWorkItem
                {
                    RowId = reader.GetInt64(0),
                    LeaseToken = reader.GetInt64(1),
                    LockedUntilUtc = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
                    Id = $"{message.OrchestrationInstance.InstanceId}:{reader.GetInt64(0)}",
                    TaskMessage = message,
                });
            }
        }

        foreach (var item in taken.OrderBy(t => t.RowId))
        {
            _taken.Enqueue(item);
        }
    }

    public async Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem)
    {
        var item = (PostgreSqlActivityWorkItem)workItem;
        return await TryRenewAsync(item, CancellationToken.None)
            ? item
            : throw new InvalidOperationException($"The lease on activity call {item.Id} was lost: another worker holds it.");
    }

    private async Task<bool> TryRenewAsync(PostgreSqlActivityWorkItem item, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "update activity_tasks set locked_until = now() + @lease where id = @id and lock_token = @token returning locked_until");
        command.Parameters.Add(Interval("lease", Lease));
        command.Parameters.Add(P("id", item.RowId));
        command.Parameters.Add(P("token", item.LeaseToken));
        if (await command.ExecuteScalarAsync(cancellationToken) is DateTime until)
        {
            item.LockedUntilUtc = DateTime.SpecifyKind(until, DateTimeKind.Utc);
            return true;
        }

        return false;
    }

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        _completions.CompleteAsync((PostgreSqlActivityWorkItem)workItem, responseMessage);

    /// <summary>Hands the call back at once (this host is stopping or could not run it); the lease token fences the old holder.</summary>
    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        var item = (PostgreSqlActivityWorkItem)workItem;
        await using var command = _dataSource.CreateCommand(
            "update activity_tasks set lock_owner = null, lock_token = null, locked_until = null where id = @id and lock_token = @token");
        command.Parameters.Add(P("id", item.RowId));
        command.Parameters.Add(P("token", item.LeaseToken));
        await command.ExecuteNonQueryAsync();
    }
}
