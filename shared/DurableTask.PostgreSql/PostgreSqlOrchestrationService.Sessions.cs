using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.PostgreSql.Logging;
using DurableTask.PostgreSql.Storage;
using Npgsql;

namespace DurableTask.PostgreSql;

// Extended sessions: after a checkpoint the worker keeps the instance's lease and its replayed state, and waits here
// for the instance's next messages; DurableTask.Core then resumes the orchestration instead of replaying its history.
public sealed partial class PostgreSqlOrchestrationService
{
    private sealed class Session(PostgreSqlOrchestrationService service, PostgreSqlOrchestrationWorkItem item) : IOrchestrationSession
    {
        public Task<IList<TaskMessage>?> FetchNewOrchestrationMessagesAsync(TaskOrchestrationWorkItem workItem) => service.FetchSessionMessagesAsync(item);

        public Task EndSessionAsync() => Task.CompletedTask;
    }

    /// <summary>Whether a session of this host waits for messages to the instance (for tests and diagnostics).</summary>
    internal bool IsSessionWaiting(string instanceId) => _notifications.Sessions.IsWaiting(instanceId);

    /// <summary>
    /// Waits up to <see cref="PostgreSqlOrchestrationServiceSettings.SessionIdleTimeout"/> for messages to the session's
    /// instance, renewing its lease on each look (so a session never outlives its lease); null ends the session.
    /// </summary>
    private async Task<IList<TaskMessage>?> FetchSessionMessagesAsync(PostgreSqlOrchestrationWorkItem item)
    {
        var deadline = Time.GetUtcNow() + _settings.SessionIdleTimeout;

        // Registered before the first look, so a notification between a look and the wait is remembered.
        var signal = _notifications.Sessions.Register(item.InstanceId);
        try
        {
            return await WaitForSessionMessagesAsync(item, signal, deadline);
        }
        finally
        {
            _notifications.Sessions.Unregister(item.InstanceId, signal);
        }
    }

    private async Task<IList<TaskMessage>?> WaitForSessionMessagesAsync(PostgreSqlOrchestrationWorkItem item, WorkSignal signal, DateTimeOffset deadline)
    {
        while (!_shutdown.IsCancellationRequested)
        {
            await using (var connection = await _dataSource.OpenConnectionAsync(_shutdown.Token))
            {
                await using var batch = new NpgsqlBatch(connection)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand("update instances set locked_until = now() + @lease where instance_id = @id and lock_token = @token returning locked_until")
                        {
                            Parameters = { Interval("lease", Lease), P("id", item.InstanceId), P("token", item.LeaseToken) },
                        },
                        new NpgsqlBatchCommand(TakeMessagesSql)
                        {
                            Parameters = { P("id", item.InstanceId), P("limit", _settings.OrchestrationBatchSize) },
                        },
                    },
                };
                await using var reader = await batch.ExecuteReaderAsync(_shutdown.Token);
                if (!await reader.ReadAsync(_shutdown.Token))
                {
                    throw new SessionAbortedException($"The lease on instance '{item.InstanceId}' was lost during its session.");
                }

                item.LockedUntilUtc = DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc);
                await reader.NextResultAsync(_shutdown.Token);
                var inbox = await Inbox.ReadAsync(reader, item.InstanceId, _shutdown.Token);
                await reader.DisposeAsync();
                if (inbox.Unreadable.Count > 0)
                {
                    await SetAsideUnreadableAsync(connection, inbox.Unreadable, _shutdown.Token);
                }

                if (inbox.Messages.Count > 0)
                {
                    item.MessageIds = inbox.Ids;
                    return inbox.Messages;
                }
            }

            var remaining = deadline - Time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                // On a timeout, look again all the same: a message may have come without a notification reaching this host.
                if (await signal.WaitAsync(remaining < _settings.MaxPollingInterval ? remaining : _settings.MaxPollingInterval, Time, _shutdown.Token))
                {
                    _logger.SessionWoken(item.InstanceId);
                    _metrics.SessionWoken();
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }
}
