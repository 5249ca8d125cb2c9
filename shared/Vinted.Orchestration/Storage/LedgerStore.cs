using Npgsql;
using NpgsqlTypes;

namespace Vinted.Orchestration.Storage;

/// <summary>
/// Every read and write of the orchestration ledger (schema <c>durable</c>). Each method is one short
/// transaction; the state transitions are guarded in SQL (<c>where status ...</c>) so that a repeated or
/// late call changes nothing.
/// </summary>
internal sealed class LedgerStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private static readonly string[] Unfinished = [nameof(OrchestrationRuntimeStatus.Pending), nameof(OrchestrationRuntimeStatus.Running)];

    public DateTimeOffset Now => time.GetUtcNow();

    // ------------------------------------------------------------------ instances

    /// <summary>Creates the instance unless one with that id exists; true when this call created it.</summary>
    public async Task<bool> CreateInstanceAsync(string id, string name, string? input, NpgsqlConnection? connection = null, CancellationToken cancellationToken = default)
    {
        const string sql = """
            insert into durable.instances (id, name, status, input, created_at, updated_at, wake_requested_at)
            values (@id, @name, 'Pending', @input, @now, @now, @now)
            on conflict (id) do nothing
            """;
        return await ExecuteAsync(connection, sql, cancellationToken, P("id", id), P("name", name), Json("input", input), P("now", Now)) == 1;
    }

    public async Task<InstanceRecord?> GetInstanceAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"select {LedgerReader.InstanceColumns} from durable.instances where id = @id");
        command.Parameters.Add(P("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? LedgerReader.Instance(reader) : null;
    }

    public async Task<List<StepRecord>> GetStepsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadStepsAsync(connection, null, id, cancellationToken);
    }

    /// <summary>Counts of the instance's steps by status, for progress.</summary>
    public async Task<Dictionary<string, Dictionary<StepStatus, int>>> CountStepsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select name, status, count(*)::int from durable.steps where instance_id = @id group by name, status");
        command.Parameters.Add(P("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<string, Dictionary<StepStatus, int>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var byStatus = counts.TryGetValue(reader.GetString(0), out var found) ? found : counts[reader.GetString(0)] = [];
            byStatus[Enum.Parse<StepStatus>(reader.GetString(1))] = reader.GetInt32(2);
        }

        return counts;
    }

    /// <summary>Instances newest first, filtered, one page after the continuation point.</summary>
    public async Task<List<InstanceRecord>> ListAsync(InstanceQuery query, CancellationToken cancellationToken = default)
    {
        var sql = $"""
            select {LedgerReader.InstanceColumns} from durable.instances
            where (@statuses::text[] is null or status = any(@statuses))
              and (@from::timestamptz is null or created_at >= @from)
              and (@to::timestamptz is null or created_at < @to)
              and (@name::text is null or name = @name)
              and (@afterCreated::timestamptz is null or (created_at, id) < (@afterCreated, @afterId))
            order by created_at desc, id desc
            limit @top
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)query.Statuses?.Select(s => s.ToString()).ToArray() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)query.CreatedFrom ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)query.CreatedTo ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)query.Name ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("afterCreated", NpgsqlDbType.TimestampTz) { Value = (object?)query.After?.CreatedAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("afterId", NpgsqlDbType.Text) { Value = (object?)query.After?.Id ?? DBNull.Value });
        command.Parameters.Add(P("top", query.Top));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var page = new List<InstanceRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(LedgerReader.Instance(reader));
        }

        return page;
    }

    /// <summary>Whether another instance of the orchestrator is pending or running.</summary>
    public async Task<string?> FindUnfinishedAsync(string name, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select id from durable.instances where name = @name and status = any(@unfinished) order by created_at limit 1", connection);
        command.Parameters.Add(P("name", name));
        command.Parameters.Add(P("unfinished", Unfinished));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Marks a pending or running instance terminated; false when it was not unfinished.</summary>
    public async Task<bool> TerminateAsync(string id, string? reason, CancellationToken cancellationToken = default)
    {
        const string sql = """
            update durable.instances
            set status = 'Terminated', output = to_jsonb(@reason::text), completed_at = @now, updated_at = @now, wake_pending = false
            where id = @id and status = any(@unfinished)
            """;
        return await ExecuteAsync(null, sql, cancellationToken, P("id", id), P("reason", reason ?? "terminated"), P("now", Now), P("unfinished", Unfinished)) == 1;
    }

    /// <summary>
    /// Re-schedules a failed instance's failed steps (or, when none failed, the orchestrator itself) and
    /// marks it running. Returns the steps to dispatch, and whether the orchestrator must be woken; null when
    /// the instance is not failed.
    /// </summary>
    public async Task<(List<StepRef> Steps, bool Wake)?> RewindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("select status from durable.instances where id = @id for update", connection, transaction))
        {
            lockCommand.Parameters.Add(P("id", id));
            if (await lockCommand.ExecuteScalarAsync(cancellationToken) as string != nameof(OrchestrationRuntimeStatus.Failed))
            {
                return null;
            }
        }

        var steps = new List<StepRef>();
        await using (var reset = new NpgsqlCommand(
            """
            update durable.steps
            set status = 'Scheduled', attempts = 0, rewinds = rewinds + 1, error = null, output = null,
                enqueued_at = null, started_at = null, next_attempt_at = null, completed_at = null, scheduled_at = @now
            where instance_id = @id and status = 'Failed'
            returning seq, queue
            """, connection, transaction))
        {
            reset.Parameters.Add(P("id", id));
            reset.Parameters.Add(P("now", Now));
            await using var reader = await reset.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                steps.Add(new StepRef(id, reader.GetInt32(0), reader.GetString(1)));
            }
        }

        var wake = steps.Count == 0;
        await using (var update = new NpgsqlCommand(
            """
            update durable.instances
            set status = 'Running', output = null, error = null, completed_at = null, updated_at = @now,
                outstanding = outstanding + @count, wake_pending = @wake, wake_requested_at = @now
            where id = @id
            """, connection, transaction))
        {
            update.Parameters.Add(P("id", id));
            update.Parameters.Add(P("now", Now));
            update.Parameters.Add(P("count", steps.Count));
            update.Parameters.Add(P("wake", wake));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (steps, wake);
    }

    /// <summary>Deletes one finished instance with its steps; null when it does not exist, false when it is unfinished.</summary>
    public async Task<bool?> PurgeAsync(string id, CancellationToken cancellationToken = default)
    {
        const string sql = """
            with target as (select id, status from durable.instances where id = @id),
                 deleted as (delete from durable.instances i using target t
                             where i.id = t.id and t.status <> all(@unfinished) returning i.id)
            select (select count(*) from target)::int, (select count(*) from deleted)::int
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(P("id", id));
        command.Parameters.Add(P("unfinished", Unfinished));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt32(0) == 0 ? null : reader.GetInt32(1) == 1;
    }

    /// <summary>Deletes finished instances created in a time range (and optionally in given states).</summary>
    public async Task<int> PurgeAsync(DateTimeOffset? createdFrom, DateTimeOffset createdTo, IReadOnlyList<OrchestrationRuntimeStatus>? statuses, CancellationToken cancellationToken = default)
    {
        const string sql = """
            delete from durable.instances
            where created_at < @to and (@from::timestamptz is null or created_at >= @from)
              and status <> all(@unfinished) and (@statuses::text[] is null or status = any(@statuses))
            """;
        return await ExecuteAsync(
            null,
            sql,
            cancellationToken,
            P("to", createdTo),
            new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)createdFrom ?? DBNull.Value },
            P("unfinished", Unfinished),
            new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)statuses?.Select(s => s.ToString()).ToArray() ?? DBNull.Value });
    }

    // ------------------------------------------------------------------ orchestrator execution

    /// <summary>
    /// Opens the transaction of one orchestrator execution: the instance row stays locked until it commits,
    /// so two executions of one instance never overlap and no step completion slips in between.
    /// </summary>
    public async Task<ExecutionScope?> BeginExecutionAsync(string id, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        InstanceRecord? instance;
        await using (var command = new NpgsqlCommand($"select {LedgerReader.InstanceColumns} from durable.instances where id = @id for update", connection, transaction))
        {
            command.Parameters.Add(P("id", id));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            instance = await reader.ReadAsync(cancellationToken) ? LedgerReader.Instance(reader) : null;
        }

        // Nothing to do for a finished instance, nor for one whose wake-up was already served: a duplicate
        // wake (the sweeper, a re-delivered job) must not cost a re-execution.
        if (instance is null || instance.Status.IsTerminal() || !instance.WakePending)
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
            return null;
        }

        var steps = await ReadStepsAsync(connection, transaction, id, cancellationToken);
        return new ExecutionScope(this, connection, transaction, instance, steps);
    }

    /// <summary>Records an execution's outcome: new steps, progress, and the final state when it finished.</summary>
    public async Task SaveExecutionAsync(ExecutionScope scope, ExecutionOutcome outcome, CancellationToken cancellationToken)
    {
        var (connection, transaction, id) = (scope.Connection, scope.Transaction, scope.Instance.Id);
        var inserted = 0;
        if (outcome.NewSteps.Count > 0)
        {
            await using var insert = new NpgsqlCommand(
                """
                insert into durable.steps (instance_id, seq, name, queue, input, input_hash, retry, status, scheduled_at)
                select @id, s.seq, s.name, s.queue, s.input::jsonb, s.hash, s.retry::jsonb, 'Scheduled', @now
                from unnest(@seqs, @names, @queues, @inputs, @hashes, @retries) as s(seq, name, queue, input, hash, retry)
                on conflict (instance_id, seq) do nothing
                """, connection, transaction);
            var steps = outcome.NewSteps;
            insert.Parameters.Add(P("id", id));
            insert.Parameters.Add(P("now", Now));
            insert.Parameters.Add(P("seqs", steps.Select(s => s.Seq).ToArray()));
            insert.Parameters.Add(P("names", steps.Select(s => s.Name).ToArray()));
            insert.Parameters.Add(P("queues", steps.Select(s => s.Queue).ToArray()));
            insert.Parameters.Add(P("inputs", steps.Select(s => s.InputJson).ToArray()));
            insert.Parameters.Add(P("hashes", steps.Select(s => s.InputHash).ToArray()));
            insert.Parameters.Add(P("retries", steps.Select(s => s.RetryJson).ToArray()));
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var update = new NpgsqlCommand(
            """
            update durable.instances
            set status = @status, output = @output, error = @error, custom_status = coalesce(@custom, custom_status),
                outstanding = outstanding + @inserted, wake_pending = false, executions = executions + 1,
                updated_at = @now, completed_at = case when @terminal then @now end
            where id = @id
            """, connection, transaction);
        update.Parameters.Add(P("id", id));
        update.Parameters.Add(P("status", outcome.Status.ToString()));
        update.Parameters.Add(Json("output", outcome.Output));
        update.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)outcome.Error ?? DBNull.Value });
        update.Parameters.Add(Json("custom", outcome.CustomStatus));
        update.Parameters.Add(P("inserted", inserted));
        update.Parameters.Add(P("now", Now));
        update.Parameters.Add(P("terminal", outcome.Status.IsTerminal()));
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Steps that were scheduled but never handed to a queue: one instance's (for its own execution), or, for
    /// the sweeper, those of instances whose dispatch has not moved since <paramref name="before"/> (a dead host's).
    /// </summary>
    public async Task<List<StepRef>> UndispatchedAsync(string? instanceId, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            select s.instance_id, s.seq, s.queue
            from durable.steps s join durable.instances i on i.id = s.instance_id
            where s.status = 'Scheduled' and s.enqueued_at is null and s.scheduled_at <= @before
              and (@id::text is null and coalesce(i.last_dispatch_at, '-infinity') <= @before or s.instance_id = @id)
            order by s.instance_id, s.seq
            limit @limit
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = (object?)instanceId ?? DBNull.Value });
        command.Parameters.Add(P("before", before));
        command.Parameters.Add(P("limit", limit));
        var steps = new List<StepRef>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            steps.Add(new StepRef(reader.GetString(0), reader.GetInt32(1), reader.GetString(2)));
        }

        return steps;
    }

    /// <summary>Marks steps as handed to their queue, and the instance's dispatch as alive.</summary>
    public async Task MarkDispatchedAsync(string instanceId, IReadOnlyList<int> seqs, CancellationToken cancellationToken)
    {
        // Two statements, not one: a step completion locks its step row, then the instance row; a single
        // statement updating both here could take them the other way round and deadlock with it.
        const string steps = "update durable.steps set enqueued_at = @now where instance_id = @id and seq = any(@seqs) and enqueued_at is null";
        await ExecuteAsync(null, steps, cancellationToken, P("id", instanceId), P("seqs", seqs.ToArray()), P("now", Now));
        const string instance = "update durable.instances set last_dispatch_at = @now where id = @id";
        await ExecuteAsync(null, instance, cancellationToken, P("id", instanceId), P("now", Now));
    }

    /// <summary>Instances whose wake-up was requested before <paramref name="before"/> and has not run.</summary>
    public async Task<List<string>> OverdueWakesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        const string sql = """
            update durable.instances set wake_requested_at = @now
            where wake_pending and status = any(@unfinished) and coalesce(wake_requested_at, created_at) <= @before
            returning id
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(P("now", Now));
        command.Parameters.Add(P("before", before));
        command.Parameters.Add(P("unfinished", Unfinished));
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    // ------------------------------------------------------------------ activity execution

    /// <summary>
    /// Starts an attempt of a step: null when the step has finished or its instance is no longer running
    /// (a duplicate or late job), else the step as it now stands.
    /// </summary>
    public async Task<StepRecord?> StartAttemptAsync(string instanceId, int seq, CancellationToken cancellationToken)
    {
        var sql = $"""
            update durable.steps s
            set status = 'Running', attempts = attempts + 1, started_at = coalesce(started_at, @now), next_attempt_at = null
            from durable.instances i
            where s.instance_id = @id and s.seq = @seq and i.id = s.instance_id
              and s.status in ('Scheduled', 'Retrying', 'Running') and i.status = any(@unfinished)
            returning {string.Join(", ", LedgerReader.StepColumns.Split(", ").Select(c => "s." + c))}
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(P("id", instanceId));
        command.Parameters.Add(P("seq", seq));
        command.Parameters.Add(P("now", Now));
        command.Parameters.Add(P("unfinished", Unfinished));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? LedgerReader.Step(reader) : null;
    }

    /// <summary>Records a failed attempt that will be retried at <paramref name="nextAttemptAt"/>.</summary>
    public async Task RecordRetryAsync(string instanceId, int seq, int attempt, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        const string sql = """
            update durable.steps
            set status = 'Retrying', next_attempt_at = @next,
                errors = errors || jsonb_build_array(jsonb_build_object('attempt', @attempt, 'at', @now, 'error', @error))
            where instance_id = @id and seq = @seq and status = 'Running'
            """;
        await ExecuteAsync(null, sql, cancellationToken, P("id", instanceId), P("seq", seq), P("attempt", attempt), P("error", error), P("next", nextAttemptAt), P("now", Now));
    }

    /// <summary>
    /// Records a step's final result (output, or error when it failed for good). Returns true when this was
    /// the instance's last outstanding step, so the caller must wake the orchestrator.
    /// </summary>
    public async Task<bool> FinishStepAsync(string instanceId, int seq, int attempt, string? output, string? error, CancellationToken cancellationToken)
    {
        const string sql = """
            with done as (
                update durable.steps
                set status = case when @error::text is null then 'Completed' else 'Failed' end,
                    output = @output, error = @error, completed_at = @now,
                    errors = case when @error::text is null then errors
                                  else errors || jsonb_build_array(jsonb_build_object('attempt', @attempt, 'at', @now, 'error', @error)) end
                where instance_id = @id and seq = @seq and status not in ('Completed', 'Failed')
                returning instance_id)
            update durable.instances i
            set outstanding = i.outstanding - 1, updated_at = @now,
                wake_pending = i.wake_pending or (i.outstanding = 1 and i.status = any(@unfinished)),
                wake_requested_at = case when i.outstanding = 1 and i.status = any(@unfinished) then @now else i.wake_requested_at end
            from done
            where i.id = done.instance_id
            returning i.outstanding = 0 and i.status = any(@unfinished)
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(P("id", instanceId));
        command.Parameters.Add(P("seq", seq));
        command.Parameters.Add(P("attempt", attempt));
        command.Parameters.Add(Json("output", output));
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        command.Parameters.Add(P("now", Now));
        command.Parameters.Add(P("unfinished", Unfinished));
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>Whether the instance waits for a wake-up that may have been lost.</summary>
    public async Task<bool> WakePendingAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select wake_pending and status = any(@unfinished) from durable.instances where id = @id");
        command.Parameters.Add(P("id", instanceId));
        command.Parameters.Add(P("unfinished", Unfinished));
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    // ------------------------------------------------------------------ timer slots

    /// <summary>Claims a timer slot; false when another host (or an earlier run of this one) already did.</summary>
    public async Task<bool> ClaimSlotAsync(NpgsqlConnection connection, string schedule, DateTimeOffset slot, string instanceId, string outcome, string? reason, CancellationToken cancellationToken)
    {
        const string sql = """
            insert into durable.timer_slots (schedule, slot, instance_id, outcome, reason, recorded_at)
            values (@schedule, @slot, @instance, @outcome, @reason, @now)
            on conflict do nothing
            """;
        return await ExecuteAsync(connection, sql, cancellationToken, P("schedule", schedule), P("slot", slot), P("instance", instanceId), P("outcome", outcome),
            new NpgsqlParameter("reason", NpgsqlDbType.Text) { Value = (object?)reason ?? DBNull.Value }, P("now", Now)) == 1;
    }

    /// <summary>The recorded outcome of a timer slot, if any host claimed it.</summary>
    public async Task<(string InstanceId, string Outcome, string? Reason)?> GetSlotAsync(string schedule, DateTimeOffset slot, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select instance_id, outcome, reason from durable.timer_slots where schedule = @schedule and slot = @slot");
        command.Parameters.Add(P("schedule", schedule));
        command.Parameters.Add(P("slot", slot));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)) : null;
    }

    public Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) => dataSource.OpenConnectionAsync(cancellationToken).AsTask();

    // ------------------------------------------------------------------ helpers

    private static async Task<List<StepRecord>> ReadStepsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"select {LedgerReader.StepColumns} from durable.steps where instance_id = @id order by seq", connection, transaction);
        command.Parameters.Add(P("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var steps = new List<StepRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            steps.Add(LedgerReader.Step(reader));
        }

        return steps;
    }

    private async Task<int> ExecuteAsync(NpgsqlConnection? connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = connection is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter P<T>(string name, T value) => new NpgsqlParameter<T>(name, value);

    private static NpgsqlParameter Json(string name, string? value) =>
        new(name, NpgsqlDbType.Jsonb) { Value = (object?)value ?? DBNull.Value };
}

/// <summary>Filters and paging of an instance listing.</summary>
internal sealed record InstanceQuery(
    IReadOnlyList<OrchestrationRuntimeStatus>? Statuses, DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, string? Name, (DateTimeOffset CreatedAt, string Id)? After, int Top);

/// <summary>What one orchestrator execution decided.</summary>
internal sealed record ExecutionOutcome(OrchestrationRuntimeStatus Status, IReadOnlyList<NewStepRow> NewSteps, string? Output, string? Error, string? CustomStatus);

/// <summary>A new step in storage form.</summary>
internal sealed record NewStepRow(int Seq, string Name, string Queue, string InputJson, string InputHash, string RetryJson);

/// <summary>The open transaction of one orchestrator execution, with the instance and its steps as read under lock.</summary>
internal sealed class ExecutionScope(LedgerStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, InstanceRecord instance, List<StepRecord> steps) : IAsyncDisposable
{
    public LedgerStore Store { get; } = store;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    public InstanceRecord Instance { get; } = instance;

    public List<StepRecord> Steps { get; } = steps;

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
