using System.Text;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using DurableTask.PostgreSql.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DurableTask.PostgreSql;

// The client side: starting instances, sending them messages, reading their state and history, queries and purge.
public sealed partial class PostgreSqlOrchestrationService
{
    private const string StateColumns =
        "instance_id, execution_id, name, version, status, created_at, updated_at, completed_at, scheduled_start_at, custom_status, failure_details, tags, parent_instance_id";

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => CreateTaskOrchestrationAsync(creationMessage, []);

    /// <summary>
    /// Starts an instance. An instance under the same id whose status is one of <paramref name="dedupeStatuses"/> is
    /// kept and the start refused with <see cref="OrchestrationAlreadyExistsException"/>; any other is replaced. The
    /// check and the write are one statement, so of two starts racing for an id exactly one wins.
    /// </summary>
    public async Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses)
    {
        if (creationMessage.Event is not ExecutionStartedEvent)
        {
            throw new ArgumentException("A creation message carries an ExecutionStartedEvent.", nameof(creationMessage));
        }

        var replaceable = Enum.GetValues<OrchestrationStatus>().Except(dedupeStatuses ?? []).Select(s => (short)s).ToArray();
        var instanceId = creationMessage.OrchestrationInstance.InstanceId;
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // The guarded upsert writes the row (and clears a replaced instance's leftovers) before the start is queued: a
        // refused start rolls back and leaves the existing instance untouched.
        if ((await Outbox.StartInstancesAsync(connection, transaction, [creationMessage], replaceable, CancellationToken.None)).Count == 0)
        {
            await transaction.RollbackAsync();
            var existing = await GetOrchestrationStateAsync(instanceId, null);
            throw new OrchestrationAlreadyExistsException(
                $"An orchestration with id '{instanceId}' is {existing?.OrchestrationStatus.ToString() ?? "present"} and may not be replaced.");
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        Outbox.AddOrchestrationMessages(batch, [creationMessage]);
        batch.BatchCommands.Add(WakeTargets.Notify(_notifications.OrchestrationChannel, [instanceId]));
        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => SendTaskOrchestrationMessageBatchAsync(message);

    /// <summary>Queues messages for existing instances (a message for an unknown id is dropped, as a raised event is).</summary>
    public async Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        Outbox.AddOrchestrationMessages(batch, messages);
        batch.BatchCommands.Add(WakeTargets.Notify(_notifications.OrchestrationChannel, messages.Select(m => m.OrchestrationInstance.InstanceId)));
        await batch.ExecuteNonQueryAsync();
    }

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) =>
        SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new ExecutionTerminatedEvent(-1, reason),
        });

    /// <summary>Rewinds a failed instance: DurableTask.Core drops its failed calls from the history and runs them again.</summary>
    public Task RewindTaskOrchestrationAsync(string instanceId, string reason) =>
        SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new ExecutionRewoundEvent(-1, reason),
        });

    public async Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Time.GetUtcNow() + timeout;
        while (true)
        {
            var state = await GetOrchestrationStateAsync(instanceId, executionId);
            if (state is not null && Statuses.IsTerminal(state.OrchestrationStatus))
            {
                return state;
            }

            if (Time.GetUtcNow() >= deadline)
            {
                return null!;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), Time, cancellationToken);
        }
    }

    public async Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        await GetOrchestrationStateAsync(instanceId, executionId: null) is { } state ? [state] : [];

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string? executionId) =>
        ReadWithRetryAsync(() => ReadStateAsync(instanceId, executionId));

    private async Task<OrchestrationState> ReadStateAsync(string instanceId, string? executionId)
    {
        await using var command = _dataSource.CreateCommand(
            $"select {StateColumns}, input, output from instances where instance_id = @id and (@execution_id::text is null or execution_id = @execution_id)");
        command.Parameters.Add(P("id", instanceId));
        command.Parameters.Add(P("execution_id", executionId, NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? ReadState(reader, withPayloads: true) : null!;
    }

    /// <summary>The current execution's history as a JSON array of history events (the Azure Storage provider's shape).</summary>
    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string? executionId) =>
        ReadWithRetryAsync(() => ReadHistoryAsync(instanceId, executionId));

    private async Task<string> ReadHistoryAsync(string instanceId, string? executionId)
    {
        await using var command = _dataSource.CreateCommand(
            "select event, payload from history where instance_id = @id and (@execution_id::text is null or execution_id = @execution_id) order by sequence");
        command.Parameters.Add(P("id", instanceId));
        command.Parameters.Add(P("execution_id", executionId, NpgsqlDbType.Text));
        var events = new List<HistoryEvent>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add(EventSerializer.WithPayload(EventSerializer.DeserializeEvent(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return EventSerializer.SerializeHistory(events);
    }

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        ReadWithRetryAsync(() => QueryAsync(query, cancellationToken));

    private async Task<OrchestrationQueryResult> QueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        var (afterCreated, afterId) = QueryToken.Parse(query.ContinuationToken);
        var payloads = query.FetchInputsAndOutputs ? ", input, output" : "";
        await using var command = _dataSource.CreateCommand(
            $"""
            select {StateColumns}{payloads} from instances
            where (@statuses::smallint[] is null or status = any(@statuses))
              and (@from::timestamptz is null or created_at >= @from)
              and (@to::timestamptz is null or created_at <= @to)
              and (@prefix::text is null or starts_with(instance_id, @prefix))
              and (@after_created::timestamptz is null or (created_at, instance_id) < (@after_created, @after_id))
            order by created_at desc, instance_id desc
            limit @limit
            """);
        var statuses = query.RuntimeStatus is { Count: > 0 } s ? s.Select(x => (short)x).ToArray() : null;
        command.Parameters.Add(P("statuses", statuses, NpgsqlDbType.Array | NpgsqlDbType.Smallint));
        command.Parameters.Add(P("from", Utc(query.CreatedTimeFrom), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(P("to", Utc(query.CreatedTimeTo), NpgsqlDbType.TimestampTz));
        command.Parameters.Add(P("prefix", string.IsNullOrEmpty(query.InstanceIdPrefix) ? null : query.InstanceIdPrefix, NpgsqlDbType.Text));
        command.Parameters.Add(P("after_created", afterCreated, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(P("after_id", afterId, NpgsqlDbType.Text));
        var pageSize = query.PageSize > 0 ? query.PageSize : 100;
        command.Parameters.Add(P("limit", pageSize));

        var states = new List<OrchestrationState>(pageSize);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                states.Add(ReadState(reader, query.FetchInputsAndOutputs));
            }
        }

        var token = states.Count == pageSize ? QueryToken.Format(states[^1].CreatedTime, states[^1].OrchestrationInstance.InstanceId) : null;
        return new OrchestrationQueryResult(states, token);
    }

    public async Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType)
    {
        var column = timeRangeFilterType switch
        {
            OrchestrationStateTimeRangeFilterType.OrchestrationCreatedTimeFilter => "created_at",
            OrchestrationStateTimeRangeFilterType.OrchestrationCompletedTimeFilter => "completed_at",
            _ => "updated_at",
        };
        await PurgeAsync($"{column} < @threshold", P("threshold", Utc(thresholdDateTimeUtc), NpgsqlDbType.TimestampTz));
    }

    /// <summary>Purges a finished instance with its history; an active one is left alone (0 purged).</summary>
    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) => PurgeAsync("instance_id = @id", P("id", instanceId));

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter)
    {
        var statuses = purgeInstanceFilter.RuntimeStatus is { } s && s.Any()
            ? s.Select(x => (short)x).Intersect(Statuses.Terminal).ToArray()
            : Statuses.Terminal;
        return PurgeAsync(
            "(@from::timestamptz is null or created_at >= @from) and (@to::timestamptz is null or created_at <= @to) and status = any(@purge_statuses)",
            P("from", Utc(purgeInstanceFilter.CreatedTimeFrom), NpgsqlDbType.TimestampTz),
            P("to", Utc(purgeInstanceFilter.CreatedTimeTo), NpgsqlDbType.TimestampTz),
            P("purge_statuses", statuses));
    }

    private async Task<PurgeResult> PurgeAsync(string condition, params NpgsqlParameter[] parameters)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            with gone as (
                delete from instances where {condition} and status = any(@terminal) returning instance_id),
            h as (delete from history where instance_id in (select instance_id from gone)),
            m as (delete from orchestration_messages where instance_id in (select instance_id from gone)),
            t as (delete from activity_tasks where instance_id in (select instance_id from gone))
            select count(*)::int from gone
            """);
        command.Parameters.AddRange(parameters);
        command.Parameters.Add(P("terminal", Statuses.Terminal));
        return new PurgeResult((int)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// Runs a read again after a broken connection: after a PostgreSQL restart every idle pooled connection is dead, and
    /// a status page should not fail once per dead connection. Only reads are retried (a write may have committed).
    /// </summary>
    private async Task<T> ReadWithRetryAsync<T>(Func<Task<T>> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (NpgsqlException e) when (attempt < 3 && (e.IsTransient || e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown }))
            {
                _dataSource.Clear();
            }
        }
    }

    private static OrchestrationState ReadState(NpgsqlDataReader reader, bool withPayloads)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        string? Payload(int i) => reader.IsDBNull(i) ? null : EventSerializer.FromBytes(reader.GetFieldValue<byte[]>(i));
        DateTime Time(int i) => DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc);
        return new OrchestrationState
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = reader.GetString(0), ExecutionId = reader.GetString(1) },
            Name = reader.GetString(2),
            Version = reader.GetString(3),
            OrchestrationStatus = (OrchestrationStatus)reader.GetInt16(4),
            CreatedTime = Time(5),
            LastUpdatedTime = Time(6),
            CompletedTime = reader.IsDBNull(7) ? DateTime.MinValue : Time(7),
            ScheduledStartTime = reader.IsDBNull(8) ? null : Time(8),
            Status = Payload(9),
            FailureDetails = EventSerializer.DeserializeFailure(Text(10)),
            Tags = EventSerializer.DeserializeTags(Text(11)),
            ParentInstance = Text(12) is { } parent ? new ParentInstance { OrchestrationInstance = new OrchestrationInstance { InstanceId = parent } } : null,
            Input = withPayloads ? Payload(13) : null,
            Output = withPayloads ? Payload(14) : null,
        };
    }

    private static DateTime? Utc(DateTime? value) => value is { } v && v != DateTime.MinValue ? DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc) : null;

    /// <summary>Keyset paging over (created_at desc, instance_id desc): the token is the last row's key.</summary>
    internal static class QueryToken
    {
        public static string Format(DateTime created, string instanceId) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{created.Ticks}|{instanceId}"));

        public static (DateTime? Created, string? InstanceId) Parse(string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return (null, null);
            }

            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                var bar = text.IndexOf('|', StringComparison.Ordinal);
                var ticks = long.Parse(text.AsSpan(0, bar), System.Globalization.CultureInfo.InvariantCulture);
                return (new DateTime(ticks, DateTimeKind.Utc), text[(bar + 1)..]);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                throw new ArgumentException("The continuation token is malformed.", nameof(token), e);
            }
        }
    }
}
