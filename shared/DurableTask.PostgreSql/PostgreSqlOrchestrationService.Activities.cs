using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.PostgreSql.Logging;
using DurableTask.PostgreSql.Storage;
using Npgsql;

namespace DurableTask.PostgreSql;

// The activity side: calls are taken in batches into a small local buffer (one statement for many calls), handed to
// the dispatcher one by one, renewed while they run, and completed through the batching writer.
//
// A call delivered again (its earlier delivery never completed: the host crashed, stalled or lost the lease) may be
// the one that crashes its host. It is taken alone and runs alone on this host: nothing else is taken until it
// completes, is abandoned, or a lease time has passed. So a crash counts a delivery against the call that caused it,
// and not against calls that happened to be taken or running beside it, which would otherwise reach the poison bound
// together with it and be set aside although nothing is wrong with them.
public sealed partial class PostgreSqlOrchestrationService
{
    private readonly ConcurrentQueue<PostgreSqlActivityWorkItem> _taken = new();
    private readonly SemaphoreSlim _takeGate = new(1, 1);
    private Isolation? _isolation;

    /// <summary>A redelivered call running alone on this host, until it ends or <see cref="Until"/>.</summary>
    private sealed record Isolation(long RowId, DateTimeOffset Until)
    {
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        var deadline = Time.GetUtcNow() + receiveTimeout;
        await _takeGate.WaitAsync(linked.Token);
        try
        {
            if (!await WaitForIsolationAsync(deadline, linked.Token))
            {
                return null!;
            }

            do
            {
                if (await NextTakenAsync(linked.Token) is { } buffered)
                {
                    return Isolate(buffered);
                }

                // A claim that committed before its connection broke leaves calls leased to a token nobody knows: they
                // return when the lease expires, never run twice.
                await Transient.RetryAsync(_ => TakeActivitiesAsync(linked.Token), _dataSource, _logger, "activity claim", linked.Token, _metrics);
                if (await NextTakenAsync(linked.Token) is { } taken)
                {
                    return Isolate(taken);
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

    /// <summary>Waits while a redelivered call runs alone here; false when the dispatcher's wait ends first.</summary>
    private async Task<bool> WaitForIsolationAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (_isolation is not { } isolation)
        {
            return true;
        }

        var until = isolation.Until < deadline ? isolation.Until : deadline;
        var wait = until - Time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await isolation.Ended.Task.WaitAsync(wait, Time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // decided below
            }
        }

        if (isolation.Ended.Task.IsCompleted || Time.GetUtcNow() >= isolation.Until)
        {
            // Ended, or its lease time is over (its lease was lost, or it hangs): this host takes work again.
            Interlocked.CompareExchange(ref _isolation, null, isolation);
            return true;
        }

        return false;
    }

    /// <summary>Starts running a redelivered call alone (see the class comment); other calls pass through.</summary>
    private PostgreSqlActivityWorkItem Isolate(PostgreSqlActivityWorkItem item)
    {
        if (item.Delivery > 1)
        {
            _isolation = new Isolation(item.RowId, Time.GetUtcNow() + Lease);
        }

        return item;
    }

    private void EndIsolation(PostgreSqlActivityWorkItem item)
    {
        if (_isolation is { } isolation && isolation.RowId == item.RowId)
        {
            isolation.Ended.TrySetResult();
        }
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
            with next as (
                select id, dequeue_count from activity_tasks
                where locked_until is null or locked_until < now()
                order by id
                limit @limit
                for update skip locked),
            -- A call delivered before without completing is taken alone (see the class comment); the others in batches.
            pick as (
                select id from next where not exists (select from next where dequeue_count > 0)
                union all
                (select id from next where dequeue_count > 0 order by id limit 1))
            update activity_tasks t
            set lock_owner = @owner, lock_token = nextval('lease_tokens'), locked_until = now() + @lease, dequeue_count = t.dequeue_count + 1
            from pick
            where t.id = pick.id
            returning t.id, t.lock_token, t.locked_until, t.message, t.dequeue_count, t.instance_id, t.execution_id
            """);
        command.Parameters.Add(P("owner", _settings.WorkerId));
        command.Parameters.Add(Interval("lease", Lease));
        command.Parameters.Add(P("limit", Math.Min(_settings.ActivityBatchSize, _settings.MaxConcurrentActivities)));
        var taken = new List<PostgreSqlActivityWorkItem>();
        var poisoned = new List<(PoisonRow Row, TaskMessage? Failure)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (rowId, json, deliveries) = (reader.GetInt64(0), reader.GetString(3), reader.GetInt32(4));
                var instance = new OrchestrationInstance { InstanceId = reader.GetString(5), ExecutionId = reader.GetString(6) };
                var message = Poison.TryRead(json, out var unreadable);
                if (message is null || deliveries > _settings.MaxDeliveryCount)
                {
                    // One bad row must not hold the batch: it is set aside now, the others run.
                    var error = message is null
                        ? $"The activity call's stored message cannot be read: {unreadable}"
                        : $"The activity call was delivered {deliveries} times without completing (MaxDeliveryCount {_settings.MaxDeliveryCount}): the process running it may crash or its lease keep expiring.";
                    var scheduledId = message?.Event.EventId ?? Poison.TaskScheduledId(json);
                    poisoned.Add((new PoisonRow(rowId, instance.InstanceId, error), scheduledId is { } id ? Poison.FailedCall(instance, id, error) : null));
                    continue;
                }

                if (deliveries > 1)
                {
                    _logger.ActivityRedelivered($"{instance.InstanceId}:{rowId}", message.Event is DurableTask.Core.History.TaskScheduledEvent scheduled ? scheduled.Name ?? "" : "", deliveries);
                    _metrics.Redelivered("activity");
                }

                taken.Add(new PostgreSqlActivityWorkItem
                {
                    RowId = rowId,
                    LeaseToken = reader.GetInt64(1),
                    LockedUntilUtc = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc),
                    Id = $"{message.OrchestrationInstance.InstanceId}:{rowId}",
                    TaskMessage = message,
                    Delivery = deliveries,
                });
            }
        }

        if (poisoned.Count > 0)
        {
            await SetAsideActivitiesAsync(poisoned, cancellationToken);
        }

        foreach (var item in taken.OrderBy(t => t.RowId))
        {
            _taken.Enqueue(item);
        }
    }

    /// <summary>Moves activity calls to <c>poison_messages</c> and fails each into its orchestrator, in one transaction.</summary>
    private async Task SetAsideActivitiesAsync(List<(PoisonRow Row, TaskMessage? Failure)> poisoned, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { Poison.SetAside(Poison.Activity, [.. poisoned.Select(p => p.Row)]) } };
        var failures = poisoned.Select(p => p.Failure).OfType<TaskMessage>().ToList();
        if (Outbox.AddOrchestrationMessages(batch, failures) > 0)
        {
            batch.BatchCommands.Add(WakeTargets.Notify(_notifications.OrchestrationChannel, failures.Select(m => m.OrchestrationInstance.InstanceId)));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var (row, _) in poisoned)
        {
            _logger.PoisonActivity(row.Id, row.InstanceId, row.Error);
        }

        _metrics.Poisoned(Poison.Activity, poisoned.Count);
    }

    /// <summary>
    /// Renews the call's lease. A transient database error is retried and, if it persists, reported without throwing:
    /// DurableTask.Core stops renewing after an exception, and the call would then run twice once the lease expired.
    /// Only a lease taken by another worker throws.
    /// </summary>
    public async Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem)
    {
        var item = (PostgreSqlActivityWorkItem)workItem;
        try
        {
            if (await Transient.RetryAsync(_ => TryRenewAsync(item, CancellationToken.None), _dataSource, _logger, "activity lease renewal", metrics: _metrics))
            {
                _metrics.Renewal("activity", "renewed");
                return item;
            }
        }
        catch (Exception e) when (Transient.IsTransient(e))
        {
            _logger.RenewalFailed(item.Id, e);
            _metrics.Renewal("activity", "failed");
            return item;
        }

        _logger.LeaseLost("activity", item.Id);
        _metrics.Renewal("activity", "lost");
        throw new InvalidOperationException($"The lease on activity call {item.Id} was lost: another worker holds it.");
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

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        var item = (PostgreSqlActivityWorkItem)workItem;
        EndIsolation(item);
        return _completions.CompleteAsync(item, responseMessage);
    }

    /// <summary>Hands the call back at once (this host is stopping or could not run it); the lease token fences the old holder.</summary>
    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        var item = (PostgreSqlActivityWorkItem)workItem;
        EndIsolation(item);
        await Transient.RetryAsync(
            async _ =>
            {
                await using var command = _dataSource.CreateCommand(
                    "update activity_tasks set lock_owner = null, lock_token = null, locked_until = null where id = @id and lock_token = @token");
                command.Parameters.Add(P("id", item.RowId));
                command.Parameters.Add(P("token", item.LeaseToken));
                await command.ExecuteNonQueryAsync();
            },
            _dataSource,
            _logger,
            "activity abandon",
            metrics: _metrics);
        _logger.Abandoned("activity", item.Id);
        _metrics.Abandoned("activity");
    }
}
