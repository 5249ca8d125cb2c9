using DurableTask.Core;
using DurableTask.Core.History;
using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>The statements that queue work: activity calls, instance starts and messages for orchestrations, each set in one statement.</summary>
internal static class Outbox
{
    /// <summary>Queues activity calls; returns how many.</summary>
    public static int AddActivityTasks(NpgsqlBatch batch, IList<TaskMessage> messages)
    {
        if (messages.Count == 0)
        {
            return 0;
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            insert into activity_tasks (instance_id, execution_id, name, message)
            select * from unnest(@instance_ids, @execution_ids, @names, @messages)
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("instance_ids", messages.Select(m => m.OrchestrationInstance.InstanceId).ToArray()),
                new NpgsqlParameter<string[]>("execution_ids", messages.Select(m => m.OrchestrationInstance.ExecutionId ?? "").ToArray()),
                new NpgsqlParameter<string[]>("names", messages.Select(m => (m.Event as TaskScheduledEvent)?.Name ?? m.Event.EventType.ToString()).ToArray()),
                new NpgsqlParameter<string[]>("messages", EventSerializer.Serialize(messages)),
            },
        });
        return messages.Count;
    }

    /// <summary>
    /// Creates the instance rows that start messages target, in the caller's transaction, and returns the ids that were
    /// created or replaced. An instance under the same id whose status is not <paramref name="replaceable"/> (by default:
    /// one still active) is left alone. Of several starts for one id in the list only the first is applied (PostgreSQL
    /// refuses to upsert one row twice in a statement, error 21000); the caller decides what the others become.
    /// A replaced instance loses everything of its old execution: history, messages still queued for it (a late event,
    /// a durable timer not yet due) and its activity calls, so none of them reaches the new execution.
    /// </summary>
    public static async Task<HashSet<string>> StartInstancesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<TaskMessage> starts, short[]? replaceable, CancellationToken cancellationToken)
    {
        var events = starts.Select(m => (ExecutionStartedEvent)m.Event).DistinctBy(e => e.OrchestrationInstance.InstanceId).ToList();
        if (events.Count == 0)
        {
            return [];
        }

        var started = new HashSet<string>(StringComparer.Ordinal);
        await using (var upsert = new NpgsqlCommand(
            """
            insert into instances (instance_id, execution_id, name, version, status, created_at, updated_at, scheduled_start_at, input, parent_instance_id, tags)
            select s.instance_id, s.execution_id, s.name, s.version, @pending, now(), now(), s.scheduled_start_at, s.input, s.parent_instance_id, s.tags
            from unnest(@instance_ids, @execution_ids, @names, @versions, @scheduled, @inputs, @parents, @tags)
                as s(instance_id, execution_id, name, version, scheduled_start_at, input, parent_instance_id, tags)
            on conflict (instance_id) do update set
                execution_id = excluded.execution_id, name = excluded.name, version = excluded.version, status = @pending,
                created_at = now(), updated_at = now(), completed_at = null, scheduled_start_at = excluded.scheduled_start_at,
                input = excluded.input, output = null, custom_status = null, failure_details = null,
                parent_instance_id = excluded.parent_instance_id, tags = excluded.tags, history_count = 0,
                lock_owner = null, lock_token = null, locked_until = null
            where instances.status = any(@replaceable)
            returning instance_id
            """,
            connection,
            transaction))
        {
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("instance_ids", events.Select(e => e.OrchestrationInstance.InstanceId).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("execution_ids", events.Select(e => e.OrchestrationInstance.ExecutionId).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("names", events.Select(e => e.Name).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<string[]>("versions", events.Select(e => e.Version ?? "").ToArray()));
            upsert.Parameters.Add(Timestamps("scheduled", events.Select(e => e.ScheduledStartTime is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : (DateTime?)null)));
            upsert.Parameters.Add(new NpgsqlParameter("inputs", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bytea)
            {
                Value = events.Select(e => EventSerializer.ToBytes(e.Input) is { } b ? (object)b : DBNull.Value).ToArray(),
            });
            upsert.Parameters.Add(new NpgsqlParameter<string?[]>("parents", events.Select(e => e.ParentInstance?.OrchestrationInstance?.InstanceId).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<string?[]>("tags", events.Select(e => EventSerializer.SerializeTags(e.Tags)).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<short[]>("replaceable", replaceable ?? Statuses.Terminal));

            // Pending until its first checkpoint stores Running: a start scheduled for later reads as not started.
            upsert.Parameters.Add(new NpgsqlParameter<short>("pending", (short)OrchestrationStatus.Pending));
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                started.Add(reader.GetString(0));
            }
        }

        if (started.Count > 0)
        {
            // A new instance has none of these; a replaced one's are all its old execution's (the new one has not run).
            await using var clear = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("delete from history where instance_id = any(@ids)"),
                    new NpgsqlBatchCommand("delete from orchestration_messages where instance_id = any(@ids)"),
                    new NpgsqlBatchCommand("delete from activity_tasks where instance_id = any(@ids)"),
                },
            };
            foreach (var command in clear.BatchCommands)
            {
                command.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. started]));
            }

            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        return started;
    }

    /// <summary>
    /// Queues messages for orchestrations: visible at once, a timer at its fire time, a start at its scheduled time.
    /// Messages for instances that do not exist (purged, never created) are not kept. Returns how many were offered.
    /// </summary>
    public static int AddOrchestrationMessages(NpgsqlBatch batch, IList<TaskMessage> messages)
    {
        if (messages.Count == 0)
        {
            return 0;
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            insert into orchestration_messages (instance_id, visible_at, event_type, message)
            select m.instance_id, coalesce(m.visible_at, now()), m.event_type, m.message
            from unnest(@instance_ids, @visible_at, @event_types, @messages) as m(instance_id, visible_at, event_type, message)
            where exists (select 1 from instances i where i.instance_id = m.instance_id)
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("instance_ids", messages.Select(m => m.OrchestrationInstance.InstanceId).ToArray()),
                Timestamps("visible_at", messages.Select(VisibleAt)),
                new NpgsqlParameter<short[]>("event_types", messages.Select(m => (short)m.Event.EventType).ToArray()),
                new NpgsqlParameter<string[]>("messages", EventSerializer.Serialize(messages)),
            },
        });
        return messages.Count;
    }

    private static NpgsqlParameter Timestamps(string name, IEnumerable<DateTime?> values) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = values.Select(v => v is { } t ? (object)t : DBNull.Value).ToArray() };

    private static DateTime? VisibleAt(TaskMessage message) => message.Event switch
    {
        TimerFiredEvent timer => DateTime.SpecifyKind(timer.FireAt, DateTimeKind.Utc),
        ExecutionStartedEvent { ScheduledStartTime: { } at } => DateTime.SpecifyKind(at, DateTimeKind.Utc),
        _ => null,
    };
}
