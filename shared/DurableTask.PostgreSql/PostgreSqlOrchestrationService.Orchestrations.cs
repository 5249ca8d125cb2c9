using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.PostgreSql.Logging;
using DurableTask.PostgreSql.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DurableTask.PostgreSql;

// The orchestration side: an instance with visible messages is leased whole (one worker replays it at a time), its
// messages and history are read, and the checkpoint writes the new history, the outgoing messages and the new status in
// one transaction fenced by the lease token.
public sealed partial class PostgreSqlOrchestrationService
{

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        var deadline = Time.GetUtcNow() + receiveTimeout;
        do
        {
            var workItem = await Transient.RetryAsync(_ => TryLockOrchestrationAsync(linked.Token), _dataSource, _logger, "orchestration claim", linked.Token, _metrics);
            if (workItem is not null)
            {
                return workItem;
            }
        }
        while (await WaitForWorkAsync(_notifications.Orchestrations, deadline, linked.Token));

        // DurableTask.Core's dispatcher takes null as "nothing yet" and asks again.
        return null!;
    }

    private async Task<TaskOrchestrationWorkItem?> TryLockOrchestrationAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            string instanceId, executionId;
            OrchestrationStatus status;
            long token;
            DateTime lockedUntil;
            int historyCount;
            await using (var command = new NpgsqlCommand(
                """
                update instances i
                set lock_owner = @owner, lock_token = nextval('lease_tokens'), locked_until = now() + @lease
                from (select i2.instance_id
                      from orchestration_messages m
                      join instances i2 on i2.instance_id = m.instance_id
                      where m.visible_at <= now() and (i2.locked_until is null or i2.locked_until < now())
                        -- An instance whose start is scheduled for later takes nothing before it starts but a terminate.
                        and (i2.history_count > 0 or i2.scheduled_start_at is null or i2.scheduled_start_at <= now() or m.event_type = @terminate)
                      order by m.visible_at, m.id
                      limit 1
                      for update of i2 skip locked) next
                where i.instance_id = next.instance_id
                returning i.instance_id, i.execution_id, i.status, i.lock_token, i.locked_until, i.history_count
                """, connection))
            {
                command.Parameters.Add(P("owner", _settings.WorkerId));
                command.Parameters.Add(Interval("lease", Lease));
                command.Parameters.Add(P("terminate", (short)EventType.ExecutionTerminated));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return null;
                }

                (instanceId, executionId, status, token, lockedUntil, historyCount) =
                    (reader.GetString(0), reader.GetString(1), (OrchestrationStatus)reader.GetInt16(2), reader.GetInt64(3), reader.GetDateTime(4), reader.GetInt32(5));
            }

            var cached = _histories.TryGet(instanceId, executionId, historyCount);
            var (inbox, history, historyBytes, historyError) = await ReadWorkAsync(connection, instanceId, readHistory: cached is null, cancellationToken);
            var (messageIds, messages) = (inbox.Ids, inbox.Messages);
            (history, historyBytes) = cached ?? (history, historyBytes);
            if (inbox.Unreadable.Count > 0)
            {
                await SetAsideUnreadableAsync(connection, inbox.Unreadable, cancellationToken);
            }

            if (!Statuses.IsTerminal(status) && (historyError is not null || inbox.MaxDeliveries > _settings.MaxDeliveryCount))
            {
                var reason = historyError ?? $"The instance's work item was delivered {inbox.MaxDeliveries} times without a checkpoint (MaxDeliveryCount {_settings.MaxDeliveryCount}): its orchestrator or its checkpoint fails every time.";
                await FailPoisonedInstanceAsync(connection, instanceId, token, messageIds, history, reason, cancellationToken);
                continue;
            }

            if (Statuses.IsTerminal(status))
            {
                // A finished instance takes only a rewind (when it failed); everything else for it is late and dropped.
                var (keptIds, kept, dropped) = (new List<long>(), new List<TaskMessage>(), new List<long>());
                for (var i = 0; i < messages.Count; i++)
                {
                    var rewind = status == OrchestrationStatus.Failed && messages[i].Event.EventType == EventType.ExecutionRewound;
                    (rewind ? keptIds : dropped).Add(messageIds[i]);
                    if (rewind)
                    {
                        kept.Add(messages[i]);
                    }
                }

                if (dropped.Count > 0)
                {
                    await DiscardAsync(connection, instanceId, token, [.. dropped], release: kept.Count == 0, cancellationToken);
                    _logger.DiscardedMessages(dropped.Count, instanceId, status.ToString());
                }
                else if (kept.Count == 0)
                {
                    await ReleaseAsync(connection, instanceId, token, TimeSpan.Zero, cancellationToken);
                }

                if (kept.Count == 0)
                {
                    continue;
                }

                messageIds = [.. keptIds];
                messages = kept;
            }

            if (messages.Count == 0)
            {
                // Another worker consumed them between the lease and the read (a lease that expired meanwhile).
                await ReleaseAsync(connection, instanceId, token, TimeSpan.Zero, cancellationToken);
                continue;
            }

            if (history.Count == 0 && !messages.Any(m => m.Event is ExecutionStartedEvent))
            {
                await HandleNotStartedAsync(connection, instanceId, token, messages, cancellationToken);
                continue;
            }

            if (messages.Any(m => m.Event is ExecutionRewoundEvent))
            {
                GiveTraceContext(history);
            }

            var workItem = new PostgreSqlOrchestrationWorkItem
            {
                InstanceId = instanceId,
                LeaseToken = token,
                StoredExecutionId = executionId,
                StoredHistoryCount = historyCount,
                StoredHistoryBytes = historyBytes,
                MessageIds = messageIds,
                NewMessages = messages,
                OrchestrationRuntimeState = new OrchestrationRuntimeState(history),
                LockedUntilUtc = DateTime.SpecifyKind(lockedUntil, DateTimeKind.Utc),
            };
            workItem.Session = _settings.ExtendedSessions ? new Session(this, workItem) : null;
            _notifications.Sessions.Hold(instanceId);
            return workItem;
        }
    }

    /// <summary>
    /// Messages for an instance that has not started (its start is scheduled for later, or missing) are never handed
    /// to DurableTask.Core, which would checkpoint them without a start and make the instance invalid for good. A
    /// terminate ends the instance here (as mssql does for a Pending instance); anything else waits for the start.
    /// </summary>
    private async Task HandleNotStartedAsync(NpgsqlConnection connection, string instanceId, long token, List<TaskMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Select(m => m.Event).OfType<ExecutionTerminatedEvent>().FirstOrDefault() is { } terminate)
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(
                        """
                        update instances set status = @status, output = @reason, updated_at = now(), completed_at = now(),
                            lock_owner = null, lock_token = null, locked_until = null
                        where instance_id = @id and lock_token = @token
                        """)
                    {
                        Parameters =
                        {
                            P("status", (short)OrchestrationStatus.Terminated), P("reason", EventSerializer.ToBytes(terminate.Input), NpgsqlDbType.Bytea),
                            P("id", instanceId), P("token", token),
                        },
                    },
                    new NpgsqlBatchCommand("delete from orchestration_messages where instance_id = @id") { Parameters = { P("id", instanceId) } },
                },
            };
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            batch.Transaction = transaction;
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _logger.TerminatedBeforeStart(instanceId);
            return;
        }

        // Only reached when the start is missing or beyond the batch: held back so that the poller does not spin on it.
        _logger.MessagesBeforeStart(messages.Count, instanceId);
        await ReleaseAsync(connection, instanceId, token, _settings.AbandonDelay, cancellationToken);
    }

    /// <summary>
    /// DurableTask.Core's rewind clears the span of the start event's trace context without checking that it has one
    /// (an instance started by an untraced client has none) and fails on every attempt; an empty W3C context is enough.
    /// </summary>
    private static void GiveTraceContext(List<HistoryEvent> history)
    {
        if (history.OfType<ExecutionStartedEvent>().FirstOrDefault() is { ParentTraceContext: null } start)
        {
            start.ParentTraceContext = new global::DurableTask.Core.Tracing.DistributedTraceContext(
                $"00-{System.Diagnostics.ActivityTraceId.CreateRandom()}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-00");
        }
    }

    /// <summary>
    /// Takes the instance's due messages (oldest first, at most a batch) and counts the delivery on each, so work that
    /// fails on every delivery is recognised; reads <c>id, message, dequeue_count</c>.
    /// </summary>
    private const string TakeMessagesSql =
        """
        update orchestration_messages m set dequeue_count = m.dequeue_count + 1
        from (select id from orchestration_messages where instance_id = @id and visible_at <= now() order by id limit @limit) next
        where m.id = next.id
        returning m.id, m.message, m.dequeue_count
        """;

    private async Task<(Inbox Inbox, List<HistoryEvent> History, long HistoryBytes, string? HistoryError)> ReadWorkAsync(
        NpgsqlConnection connection, string instanceId, bool readHistory, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { new NpgsqlBatchCommand(TakeMessagesSql) { Parameters = { P("id", instanceId), P("limit", _settings.OrchestrationBatchSize) } } },
        };
        if (readHistory)
        {
            // Not the payload column: replay never reads the inputs kept there.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select event from history where instance_id = @id order by sequence") { Parameters = { P("id", instanceId) } });
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var inbox = await Inbox.ReadAsync(reader, instanceId, cancellationToken);
        var history = new List<HistoryEvent>();
        if (readHistory && !await reader.NextResultAsync(cancellationToken))
        {
            throw new InvalidOperationException("The history query returned no result set.");
        }

        string? historyError = null;
        var bytes = 0L;
        while (readHistory && await reader.ReadAsync(cancellationToken))
        {
            try
            {
                var json = reader.GetString(0);
                bytes += json.Length * sizeof(char);
                history.Add(EventSerializer.DeserializeEvent(json));
            }
            catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidDataException)
            {
                historyError ??= $"The stored history cannot be read: {e.GetType().Name}: {e.Message}";
            }
        }

        return (inbox, history, bytes, historyError);
    }

    /// <summary>The messages of one round: the readable ones, in order, and those that cannot be read.</summary>
    private sealed record Inbox(long[] Ids, List<TaskMessage> Messages, int MaxDeliveries, List<PoisonRow> Unreadable)
    {
        public static async Task<Inbox> ReadAsync(NpgsqlDataReader reader, string instanceId, CancellationToken cancellationToken)
        {
            var rows = new List<(long Id, TaskMessage Message)>();
            var (unreadable, maxDeliveries) = (new List<PoisonRow>(), 0);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                maxDeliveries = Math.Max(maxDeliveries, reader.GetInt32(2));
                if (Poison.TryRead(reader.GetString(1), out var error) is { } message)
                {
                    rows.Add((id, message));
                }
                else
                {
                    unreadable.Add(new PoisonRow(id, instanceId, $"The message cannot be read: {error}"));
                }
            }

            rows.Sort((a, b) => a.Id.CompareTo(b.Id));
            return new Inbox([.. rows.Select(r => r.Id)], [.. rows.Select(r => r.Message)], maxDeliveries, unreadable);
        }
    }

    /// <summary>Moves unreadable messages to <c>poison_messages</c>: the instance goes on with the others.</summary>
    private async Task SetAsideUnreadableAsync(NpgsqlConnection connection, List<PoisonRow> unreadable, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { Poison.SetAside(Poison.Orchestration, unreadable) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        foreach (var row in unreadable)
        {
            _logger.UnreadableMessage(row.Id, row.InstanceId, row.Error);
        }

        _metrics.Poisoned(Poison.Orchestration, unreadable.Count);
    }

    /// <summary>
    /// Ends an instance whose work cannot succeed (delivered too often without a checkpoint, or an unreadable history):
    /// its messages go to <c>poison_messages</c>, it is Failed with the reason, and a parent hears of it as a failed
    /// sub-orchestration instead of waiting for ever.
    /// </summary>
    private async Task FailPoisonedInstanceAsync(
        NpgsqlConnection connection, string instanceId, long token, long[] messageIds, List<HistoryEvent> history, string reason, CancellationToken cancellationToken)
    {
        var failure = new FailureDetails("PoisonMessage", reason, null, null, true);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Poison.SetAside(Poison.Orchestration, [.. messageIds.Select(id => new PoisonRow(id, instanceId, reason))]),
                new NpgsqlBatchCommand(
                    """
                    update instances set status = @status, output = @output, failure_details = @failure, updated_at = now(), completed_at = now(),
                        lock_owner = null, lock_token = null, locked_until = null
                    where instance_id = @id and lock_token = @token
                    """)
                {
                    Parameters =
                    {
                        P("status", (short)OrchestrationStatus.Failed), P("output", EventSerializer.ToBytes(reason), NpgsqlDbType.Bytea),
                        P("failure", EventSerializer.SerializeFailure(failure), NpgsqlDbType.Text), P("id", instanceId), P("token", token),
                    },
                },
                new NpgsqlBatchCommand("delete from activity_tasks where instance_id = @id and lock_token is null") { Parameters = { P("id", instanceId) } },
            },
        };
        if (history.OfType<ExecutionStartedEvent>().FirstOrDefault()?.ParentInstance is { OrchestrationInstance: { } parent } parentInstance)
        {
            Outbox.AddOrchestrationMessages(batch, [new TaskMessage
            {
                OrchestrationInstance = parent,
                Event = new SubOrchestrationInstanceFailedEvent(-1, parentInstance.TaskScheduleId, reason, details: null, failure),
            }]);
            batch.BatchCommands.Add(WakeTargets.Notify(_notifications.OrchestrationChannel, [parent.InstanceId]));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _histories.Remove(instanceId);
        _logger.PoisonOrchestration(instanceId, messageIds.Length, reason);
        _metrics.Poisoned(Poison.Orchestration, messageIds.Length);
    }

    private async Task DiscardAsync(NpgsqlConnection connection, string instanceId, long token, long[] messageIds, bool release, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { new NpgsqlBatchCommand("delete from orchestration_messages where id = any(@ids)") { Parameters = { P("ids", messageIds) } } },
        };
        if (release)
        {
            batch.BatchCommands.Add(ReleaseCommand(instanceId, token, TimeSpan.Zero));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ReleaseAsync(NpgsqlConnection connection, string instanceId, long token, TimeSpan delay, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { ReleaseCommand(instanceId, token, delay) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    // A null owner with a future expiry holds the instance back for the delay (an abandoned work item must not spin).
    private static NpgsqlBatchCommand ReleaseCommand(string instanceId, long token, TimeSpan delay) => new(
        "update instances set lock_owner = null, lock_token = null, locked_until = case when @delay > interval '0' then now() + @delay end where instance_id = @id and lock_token = @token")
    {
        Parameters = { P("id", instanceId), P("token", token), Interval("delay", delay) },
    };

    /// <summary>Renews the instance's lease; a persistent transient error is logged, not thrown (see the activity side).</summary>
    public async Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem)
    {
        var item = (PostgreSqlOrchestrationWorkItem)workItem;
        DateTime? until;
        try
        {
            until = await Transient.RetryAsync(
                async _ =>
                {
                    await using var command = _dataSource.CreateCommand(
                        "update instances set locked_until = now() + @lease where instance_id = @id and lock_token = @token returning locked_until");
                    command.Parameters.Add(Interval("lease", Lease));
                    command.Parameters.Add(P("id", item.InstanceId));
                    command.Parameters.Add(P("token", item.LeaseToken));
                    return await command.ExecuteScalarAsync() as DateTime?;
                },
                _dataSource,
                _logger,
                "orchestration lease renewal",
                metrics: _metrics);
        }
        catch (Exception e) when (Transient.IsTransient(e))
        {
            _logger.RenewalFailed(item.InstanceId, e);
            _metrics.Renewal("orchestration", "failed");
            return;
        }

        if (until is null)
        {
            _logger.LeaseLost("orchestration", item.InstanceId);
        }

        _metrics.Renewal("orchestration", until is null ? "lost" : "renewed");

        item.LockedUntilUtc = DateTime.SpecifyKind(
            until ?? throw new InvalidOperationException($"The lease on instance '{item.InstanceId}' was lost: another worker holds it."), DateTimeKind.Utc);
    }

    public async Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        var item = (PostgreSqlOrchestrationWorkItem)workItem;
        await ReleaseWithRetryAsync(item, _settings.AbandonDelay);
        MarkReleased(item);
        _logger.Abandoned("orchestration", item.InstanceId);
        _metrics.Abandoned("orchestration");
    }

    public async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        var item = (PostgreSqlOrchestrationWorkItem)workItem;
        if (!item.Released)
        {
            await ReleaseWithRetryAsync(item, TimeSpan.Zero);
            LetGo(item);
        }
    }

    /// <summary>Notes that the lease is gone: from now on a notification naming the instance wakes the poller.</summary>
    private void MarkReleased(PostgreSqlOrchestrationWorkItem item)
    {
        if (!item.Released)
        {
            item.Released = true;
            _notifications.Sessions.LetGo(item.InstanceId);
        }
    }

    /// <summary>
    /// Marks the lease released and wakes the poller: results that arrived while the instance was held here did not
    /// wake it (see <see cref="Storage.SessionWaiters.Wake"/>), so it looks now.
    /// </summary>
    private void LetGo(PostgreSqlOrchestrationWorkItem item)
    {
        MarkReleased(item);
        _notifications.Orchestrations.Set();
    }

    /// <summary>Releases the lease; fenced by the token, so running it twice is harmless.</summary>
    private Task ReleaseWithRetryAsync(PostgreSqlOrchestrationWorkItem item, TimeSpan delay) => Transient.RetryAsync(
        async _ =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            await ReleaseAsync(connection, item.InstanceId, item.LeaseToken, delay, CancellationToken.None);
        },
        _dataSource,
        _logger,
        "orchestration release",
        metrics: _metrics);

    public async Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        var item = (PostgreSqlOrchestrationWorkItem)workItem;

        // A session keeps the lease for its next round; otherwise the checkpoint releases the instance.
        var keepLease = item.Session is not null && !(orchestrationState is not null && Statuses.IsTerminal(orchestrationState.OrchestrationStatus));
        var checkpoint = new Checkpoint(item, newOrchestrationRuntimeState, orchestrationState, keepLease, Lease);
        var started = Time.GetTimestamp();

        // Fenced by the lease token, so a transient error is retried inside the backend: DurableTask.Core would otherwise
        // abandon the work item and run the turn (and its activity calls) again.
        await Transient.RetryAsync(
            attempt => WriteCheckpointAsync(item, checkpoint, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, attempt),
            _dataSource,
            _logger,
            "checkpoint",
            metrics: _metrics);
        ReportCheckpoint(item.InstanceId, Time.GetElapsedTime(started), newOrchestrationRuntimeState.Events.Count);
        item.StoredHistoryBytes = checkpoint.ReplacesHistory ? checkpoint.WrittenBytes : item.StoredHistoryBytes + checkpoint.WrittenBytes;
        item.StoredExecutionId = checkpoint.ExecutionId;
        item.StoredHistoryCount = newOrchestrationRuntimeState.Events.Count;
        item.MessageIds = [];

        // A session that keeps the lease looks for new messages itself at its next fetch.
        if (!keepLease)
        {
            LetGo(item);
        }

        if (checkpoint.IsTerminal)
        {
            _histories.Remove(item.InstanceId);
        }
        else
        {
            _histories.Set(item.InstanceId, checkpoint.ExecutionId, newOrchestrationRuntimeState.Events, item.StoredHistoryBytes);
        }
    }

    private async Task WriteCheckpointAsync(
        PostgreSqlOrchestrationWorkItem item,
        Checkpoint checkpoint,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        int attempt)
    {
        var outgoing = orchestratorMessages.Concat(timerMessages).ToList();
        var starts = orchestratorMessages.Where(m => m.Event is ExecutionStartedEvent).ToList();
        await using var connection = await _dataSource.OpenConnectionAsync();
        if (starts.Count == 0)
        {
            // The common turn, in one round trip: the batch is one implicit transaction; its first statement locks the
            // instance if the lease is still this worker's and fails the whole batch otherwise.
            await using var write = new NpgsqlBatch(connection) { BatchCommands = { checkpoint.LockOrFail() } };
            AddCheckpointWrites(write, item, checkpoint, outboundMessages, outgoing);
            write.BatchCommands.Add(checkpoint.UpdateInstance());
            try
            {
                await write.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == Checkpoint.LeaseLostState)
            {
                await OnFenceFailedAsync(connection, item, checkpoint, attempt);
            }

            return;
        }

        await using var transaction = await connection.BeginTransactionAsync();
        await using (var fence = new NpgsqlBatch(connection, transaction) { BatchCommands = { checkpoint.UpdateInstance() } })
        {
            if (await fence.ExecuteNonQueryAsync() == 0)
            {
                await transaction.RollbackAsync();
                await OnFenceFailedAsync(connection, item, checkpoint, attempt);
                return;
            }
        }

        // Sub-orchestrations' rows first: they must exist, and a replaced one's leftovers be gone, before their messages
        // are queued.
        await Outbox.StartInstancesAsync(connection, transaction, starts, replaceable: null, CancellationToken.None);
        outgoing = FailDuplicateStarts(item.InstanceId, outgoing);
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddCheckpointWrites(batch, item, checkpoint, outboundMessages, outgoing);
        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    /// <summary>The checkpoint's fence did not hold: the write committed before (its answer was lost), or the lease is gone.</summary>
    private async Task OnFenceFailedAsync(NpgsqlConnection connection, PostgreSqlOrchestrationWorkItem item, Checkpoint checkpoint, int attempt)
    {
        if (attempt > 1 && await checkpoint.IsAlreadyWrittenAsync(connection))
        {
            // The previous attempt committed and only its answer was lost.
            _logger.CheckpointAlreadyCommitted(item.InstanceId);
            return;
        }

        // The lease expired and another worker took the instance: what this one computed must not count.
        _logger.StaleCheckpoint(item.InstanceId);
        throw new InvalidOperationException($"The lease on instance '{item.InstanceId}' was lost before its checkpoint; the other worker's result stands.");
    }

    /// <summary>The checkpoint's writes besides the instance row: history, consumed and new messages, activity calls, notifications.</summary>
    private void AddCheckpointWrites(NpgsqlBatch batch, PostgreSqlOrchestrationWorkItem item, Checkpoint checkpoint, IList<TaskMessage> outboundMessages, List<TaskMessage> outgoing)
    {
        checkpoint.WriteHistory(batch);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("delete from orchestration_messages where id = any(@ids)") { Parameters = { P("ids", item.MessageIds) } });
        var activities = Outbox.AddActivityTasks(batch, outboundMessages);
        var sent = Outbox.AddOrchestrationMessages(batch, outgoing);
        if (checkpoint.IsTerminal)
        {
            // Calls not yet taken by a worker will never be wanted: a terminated run stops queuing work.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("delete from activity_tasks where instance_id = @id and lock_token is null")
            {
                Parameters = { P("id", item.InstanceId) },
            });
        }

        // One notification per queue: activity pollers wake for the calls; for orchestrations the instances named are
        // the messages' targets and this one, whose messages that arrived during the lease are due now that it ends.
        // Timers are left out: they are not due yet, and the poll finds them when they are.
        var due = outgoing.Where(m => m.Event is not TimerFiredEvent).Select(m => m.OrchestrationInstance.InstanceId).ToList();
        if (activities > 0)
        {
            batch.BatchCommands.Add(WakeTargets.Notify(_notifications.ActivityChannel, []));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "select pg_notify(@channel, @payload) where @sent or exists (select 1 from orchestration_messages where instance_id = @id and visible_at <= now())")
        {
            Parameters =
            {
                P("channel", _notifications.OrchestrationChannel),
                P("payload", WakeTargets.Payload(due.Append(item.InstanceId))),
                P("sent", sent > 0 && due.Count > 0),
                P("id", item.InstanceId),
            },
        });
    }

    /// <summary>
    /// Two sub-orchestrations with one instance id in one turn: the first starts, the second fails back into its parent
    /// (a <see cref="SubOrchestrationInstanceFailedEvent"/>, so the orchestrator's own error handling or retry policy
    /// decides). DurableTask.Core would drop the second start as a duplicate and leave that call waiting for ever.
    /// </summary>
    private List<TaskMessage> FailDuplicateStarts(string parentId, List<TaskMessage> outgoing)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<TaskMessage>(outgoing.Count);
        foreach (var message in outgoing)
        {
            if (message.Event is not ExecutionStartedEvent start || seen.Add(start.OrchestrationInstance.InstanceId))
            {
                result.Add(message);
                continue;
            }

            var childId = start.OrchestrationInstance.InstanceId;
            _logger.DuplicateSubOrchestrationStart(parentId, childId);
            if (start.ParentInstance?.OrchestrationInstance is { } parent)
            {
                var reason = $"Sub-orchestration '{childId}' was scheduled twice in one turn of '{parentId}'; only the first call runs.";
                result.Add(new TaskMessage
                {
                    OrchestrationInstance = parent,
                    Event = new SubOrchestrationInstanceFailedEvent(
                        -1, start.ParentInstance.TaskScheduleId, reason, details: null, new FailureDetails("DuplicateSubOrchestration", reason, null, null, true)),
                });
            }
        }

        return result;
    }

    /// <summary>The statements of one checkpoint that concern the instance itself.</summary>
    private sealed class Checkpoint(PostgreSqlOrchestrationWorkItem item, OrchestrationRuntimeState state, OrchestrationState? status, bool keepLease, TimeSpan lease)
    {
        private readonly string _executionId = state.OrchestrationInstance?.ExecutionId ?? item.StoredExecutionId;

        public string ExecutionId => _executionId;

        public bool IsTerminal => status is not null && Statuses.IsTerminal(status.OrchestrationStatus);

        /// <summary>A new execution (continue-as-new, rewind): its events replace the stored history.</summary>
        public bool ReplacesHistory => _executionId != item.StoredExecutionId;

        /// <summary>The size of the new events as written (UTF-16), for the history cache's byte bound.</summary>
        public long WrittenBytes { get; private set; }

        /// <summary>The error <c>lease_lost()</c> raises (migration 0003).</summary>
        public const string LeaseLostState = "DTL01";

        /// <summary>
        /// The fence of a one-round-trip checkpoint: locks the instance row while the lease is this worker's and the
        /// history is the one it read (nobody can take it before the commit), else fails the batch.
        /// </summary>
        public NpgsqlBatchCommand LockOrFail() => new(
            """
            with fence as (select 1 from instances where instance_id = @id and lock_token = @token and history_count = @stored_count for update)
            select case when exists (select 1 from fence) then 0 else lease_lost() end
            """)
        {
            Parameters = { P("id", item.InstanceId), P("token", item.LeaseToken), P("stored_count", item.StoredHistoryCount) },
        };

        /// <summary>The fenced update: status, payloads and the released lease, only if the lease is still this worker's.</summary>
        public NpgsqlBatchCommand UpdateInstance()
        {
            var command = new NpgsqlBatchCommand(
                """
                update instances set
                    execution_id    = @execution_id,
                    name            = coalesce(@name, name),
                    version         = coalesce(@version, version),
                    status          = coalesce(@status, status),
                    input           = coalesce(@input, input),
                    output          = @output,
                    custom_status   = @custom_status,
                    failure_details = @failure_details,
                    updated_at      = now(),
                    completed_at    = case when @terminal then now() end,
                    history_count   = @history_count,
                    lock_owner      = case when @keep_lease then lock_owner end,
                    lock_token      = case when @keep_lease then lock_token end,
                    locked_until    = case when @keep_lease then now() + @lease end
                where instance_id = @id and lock_token = @token and history_count = @stored_count
                """);
            command.Parameters.Add(P("stored_count", item.StoredHistoryCount));
            command.Parameters.Add(P("id", item.InstanceId));
            command.Parameters.Add(P("token", item.LeaseToken));
            command.Parameters.Add(P("execution_id", _executionId));
            command.Parameters.Add(P("name", status?.Name, NpgsqlDbType.Text));
            command.Parameters.Add(P("version", status?.Version, NpgsqlDbType.Text));
            command.Parameters.Add(P("status", status is null ? null : (short)status.OrchestrationStatus, NpgsqlDbType.Smallint));
            command.Parameters.Add(P("input", EventSerializer.ToBytes(status?.Input), NpgsqlDbType.Bytea));
            command.Parameters.Add(P("output", EventSerializer.ToBytes(status?.Output), NpgsqlDbType.Bytea));
            command.Parameters.Add(P("custom_status", EventSerializer.ToBytes(status?.Status), NpgsqlDbType.Bytea));
            command.Parameters.Add(P("failure_details", EventSerializer.SerializeFailure(status?.FailureDetails), NpgsqlDbType.Text));
            command.Parameters.Add(P("terminal", IsTerminal));
            command.Parameters.Add(P("history_count", state.Events.Count));
            command.Parameters.Add(P("keep_lease", keepLease));
            command.Parameters.Add(Interval("lease", lease));
            return command;
        }

        /// <summary>
        /// After a connection broke during the commit: whether the commit went through (the instance shows this
        /// checkpoint's history count and is released, or still ours in a session).
        /// </summary>
        public async Task<bool> IsAlreadyWrittenAsync(NpgsqlConnection connection)
        {
            await using var command = new NpgsqlCommand(
                "select count(*) from instances where instance_id = @id and execution_id = @execution_id and history_count = @history_count and (lock_token is null or lock_token = @token)",
                connection);
            command.Parameters.Add(P("id", item.InstanceId));
            command.Parameters.Add(P("execution_id", _executionId));
            command.Parameters.Add(P("history_count", state.Events.Count));
            command.Parameters.Add(P("token", item.LeaseToken));
            return (long)(await command.ExecuteScalarAsync())! == 1;
        }

        /// <summary>Appends the new events; a new execution (continue-as-new, rewind) replaces the history first.</summary>
        public void WriteHistory(NpgsqlBatch batch)
        {
            if (ReplacesHistory)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("delete from history where instance_id = @id") { Parameters = { P("id", item.InstanceId) } });
            }

            var newEvents = state.NewEvents;
            if (newEvents.Count == 0)
            {
                return;
            }

            var first = state.Events.Count - newEvents.Count;
            var (events, payloads) = (new string[newEvents.Count], new string?[newEvents.Count]);
            EventSerializer.Each(newEvents.Count, i => events[i] = EventSerializer.SerializeLean(newEvents[i], out payloads[i]));
            for (var i = 0; i < newEvents.Count; i++)
            {
                WrittenBytes += (events[i].Length + (payloads[i]?.Length ?? 0)) * sizeof(char);
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                insert into history (instance_id, execution_id, sequence, event_type, event, payload)
                select @id, @execution_id, e.sequence, e.event_type, e.event, e.payload
                from unnest(@sequences, @types, @events, @payloads) as e(sequence, event_type, event, payload)
                """)
            {
                Parameters =
                {
                    P("id", item.InstanceId),
                    P("execution_id", _executionId),
                    P("sequences", Enumerable.Range(first, newEvents.Count).ToArray()),
                    P("types", newEvents.Select(e => (short)e.EventType).ToArray()),
                    P("events", events),
                    new NpgsqlParameter<string?[]>("payloads", payloads),
                },
            });
        }
    }
}
