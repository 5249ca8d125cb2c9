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
                new NpgsqlParameter<string[]>("messages", messages.Select(EventSerializer.Serialize).ToArray()),
            },
        });
        return messages.Count;
    }

    /// <summary>
    /// Creates the instance rows that start messages (sub-orchestrations) target. A finished instance under the same id
    /// is replaced with its history; an active one is left alone (the framework drops the duplicate start).
    /// </summary>
    public static int AddInstanceStarts(NpgsqlBatch batch, IList<TaskMessage> starts, short[]? replaceable = null)
    {
        if (starts.Count == 0)
        {
            return 0;
        }

        var events = starts.Select(m => (ExecutionStartedEvent)m.Event).ToList();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            insert into instances (instance_id, execution_id, name, version, status, created_at, updated_at, scheduled_start_at, input, parent_instance_id, tags)
            select s.instance_id, s.execution_id, s.name, s.version, 0, now(), now(), s.scheduled_start_at, s.input, s.parent_instance_id, s.tags
            from unnest(@instance_ids, @execution_ids, @names, @versions, @scheduled, @inputs, @parents, @tags)
                as s(instance_id, execution_id, name, version, scheduled_start_at, input, parent_instance_id, tags)
            on conflict (instance_id) do update set
                execution_id = excluded.execution_id, name = excluded.name, version = excluded.version, status = 0,
                created_at = now(), updated_at = now(), completed_at = null, scheduled_start_at = excluded.scheduled_start_at,
                input = excluded.input, output = null, custom_status = null, failure_details = null,
                parent_instance_id = excluded.parent_instance_id, tags = excluded.tags, history_count = 0,
                lock_owner = null, lock_token = null, locked_until = null
            where instances.status = any(@replaceable)
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("instance_ids", events.Select(e => e.OrchestrationInstance.InstanceId).ToArray()),
                new NpgsqlParameter<string[]>("execution_ids", events.Select(e => e.OrchestrationInstance.ExecutionId).ToArray()),
                new NpgsqlParameter<string[]>("names", events.Select(e => e.Name).ToArray()),
                new NpgsqlParameter<string[]>("versions", events.Select(e => e.Version ?? "").ToArray()),
                Timestamps("scheduled", events.Select(e => e.ScheduledStartTime is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : (DateTime?)null)),
                new NpgsqlParameter("inputs", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bytea)
                {
                    Value = events.Select(e => EventSerializer.ToBytes(e.Input) is { } b ? (object)b : DBNull.Value).ToArray(),
                },
                new NpgsqlParameter<string?[]>("parents", events.Select(e => e.ParentInstance?.OrchestrationInstance?.InstanceId).ToArray()),
                new NpgsqlParameter<string?[]>("tags", events.Select(e => EventSerializer.SerializeTags(e.Tags)).ToArray()),
                new NpgsqlParameter<short[]>("replaceable", replaceable ?? Statuses.Terminal),
            },
        });

        // The replaced instances' old history and leftover messages go; the new execution starts clean.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            delete from history h using instances i
            where h.instance_id = i.instance_id and i.instance_id = any(@instance_ids) and h.execution_id <> i.execution_id
            """)
        {
            Parameters = { new NpgsqlParameter<string[]>("instance_ids", events.Select(e => e.OrchestrationInstance.InstanceId).ToArray()) },
        });
        return starts.Count;
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
                new NpgsqlParameter<string[]>("messages", messages.Select(EventSerializer.Serialize).ToArray()),
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
