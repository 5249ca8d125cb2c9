namespace DurableTask.PostgreSql;

/// <summary>A message or activity call set aside after too many deliveries or because it could not be read.</summary>
/// <param name="Id">The row in <c>poison_messages</c>.</param>
/// <param name="Queue"><c>orchestration</c> or <c>activity</c>.</param>
/// <param name="InstanceId">The instance the message was for.</param>
/// <param name="DequeueCount">How many times it had been delivered.</param>
/// <param name="Error">Why it was set aside.</param>
/// <param name="SetAsideAt">When (the database's clock).</param>
public sealed record PoisonMessage(long Id, string Queue, string InstanceId, int DequeueCount, string Error, DateTime SetAsideAt);

// What an operator reads when work was set aside: the instance's status says it failed and why; this lists the rows.
public sealed partial class PostgreSqlOrchestrationService
{
    /// <summary>The messages and calls set aside, newest first; only those of <paramref name="instanceId"/> when given.</summary>
    public Task<IReadOnlyList<PoisonMessage>> GetPoisonMessagesAsync(string? instanceId = null, int limit = 100, CancellationToken cancellationToken = default) =>
        ReadWithRetryAsync<IReadOnlyList<PoisonMessage>>(async () =>
        {
            await using var command = _dataSource.CreateCommand(
                """
                select id, queue, instance_id, dequeue_count, error, set_aside_at from poison_messages
                where @instance_id::text is null or instance_id = @instance_id
                order by id desc
                limit @limit
                """);
            command.Parameters.Add(P("instance_id", instanceId, NpgsqlTypes.NpgsqlDbType.Text));
            command.Parameters.Add(P("limit", limit));
            var rows = new List<PoisonMessage>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new PoisonMessage(
                    reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                    DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc)));
            }

            return rows;
        });
}
