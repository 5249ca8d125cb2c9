using DurableTask.PostgreSql.Logging;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// LISTEN on the task hub's two channels over one dedicated connection, so that an idle worker wakes as soon as any
/// host commits new work instead of at its next poll. The connection is reopened after a failure (a PostgreSQL
/// restart); polling covers the gap, so a lost notification only costs latency.
/// </summary>
internal sealed class Notifications(NpgsqlDataSource dataSource, string schema, TimeProvider time, ILogger logger, ProviderMetrics metrics) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public string OrchestrationChannel { get; } = schema + "_orchestrations";

    public string ActivityChannel { get; } = schema + "_activities";

    public WorkSignal Orchestrations { get; } = new();

    public WorkSignal Activities { get; } = new();

    /// <summary>The sessions waiting on their own instances; a notification wakes only the sessions it names.</summary>
    public SessionWaiters Sessions { get; } = new();


    public void Start() => _loop ??= Task.Run(() => ListenAsync(_stopping.Token));

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stopping);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == ActivityChannel)
                    {
                        Activities.Set();
                        metrics.Notified("activity", wokePoller: true);
                    }
                    else
                    {
                        // The payload names the instances with new messages: their sessions here wake, and the poller
                        // only if one of them is not held by a session here (it would find that instance leased).
                        var wakePoller = Sessions.Wake(WakeTargets.Parse(e.Payload));
                        if (wakePoller)
                        {
                            Orchestrations.Set();
                        }

                        metrics.Notified("orchestration", wakePoller);
                    }
                };
                await using (var listen = new NpgsqlCommand(
                    $"listen {SchemaMigrator.Quote(OrchestrationChannel)}; listen {SchemaMigrator.Quote(ActivityChannel)}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // Whatever was committed while no one listened is found by the pollers and sessions now.
                Orchestrations.Set();
                Activities.Set();
                Sessions.Wake([]);
                while (!stopping.IsCancellationRequested)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                logger.ListenFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stopping.Dispose();
    }
}
