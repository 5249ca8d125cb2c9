using DurableTask.Core;
using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>A row set aside: its queue id, its instance and why.</summary>
internal sealed record PoisonRow(long Id, string InstanceId, string Error);

/// <summary>
/// Setting work aside in <c>poison_messages</c>: a row that cannot be read, or work delivered
/// <see cref="PostgreSqlOrchestrationServiceSettings.MaxDeliveryCount"/> times without completing. The row leaves its
/// queue in the same statement, so nothing else waits behind it.
/// </summary>
internal static class Poison
{
    /// <summary>The queues' names in <c>poison_messages.queue</c>.</summary>
    public const string Activity = "activity", Orchestration = "orchestration";

    public static NpgsqlBatchCommand SetAside(string queue, IReadOnlyCollection<PoisonRow> rows)
    {
        // The table name comes from the two constants above, never from data.
        var table = queue == Activity ? "activity_tasks" : "orchestration_messages";
        return new NpgsqlBatchCommand(
            $"""
            with gone as (
                delete from {table} q using unnest(@ids, @errors) as p(id, error)
                where q.id = p.id
                returning q.id, q.instance_id, q.message, q.dequeue_count, p.error)
            insert into poison_messages (queue, original_id, instance_id, message, dequeue_count, error)
            select @queue, id, instance_id, message, dequeue_count, error from gone
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<long[]>("ids", rows.Select(r => r.Id).ToArray()),
                new NpgsqlParameter<string[]>("errors", rows.Select(r => r.Error).ToArray()),
                new NpgsqlParameter<string>("queue", queue),
            },
        };
    }

    /// <summary>Reads a stored message, or says why it cannot be read (a type from elsewhere, broken JSON).</summary>
    public static TaskMessage? TryRead(string json, out string? error)
    {
        try
        {
            error = null;
            return EventSerializer.DeserializeMessage(json);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidCastException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// The id of the call an unreadable activity message stands for, read without its types (so the call can still
    /// fail into its orchestrator instead of leaving it waiting); null when even that is missing.
    /// </summary>
    public static int? TaskScheduledId(string json)
    {
        try
        {
            return JObject.Parse(json)["Event"]?["EventId"]?.Value<int>();
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>The result that fails an activity call in its orchestrator, which then applies its retry policy.</summary>
    public static TaskMessage FailedCall(OrchestrationInstance instance, int taskScheduledId, string reason) => new()
    {
        OrchestrationInstance = instance,
        Event = new TaskFailedEvent(-1, taskScheduledId, reason, details: null, new FailureDetails("PoisonMessage", reason, null, null, true)),
    };
}
