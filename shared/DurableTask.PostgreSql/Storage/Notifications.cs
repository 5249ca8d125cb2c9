using DurableTask.PostgreSql.Logging;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// LISTEN on the task hub's two channels over one dedicated connection, so that an idle worker wakes as soon as any
/// host commits new work instead of at its next poll. The connection is reopened after a failure (a PostgreSQL
/// restart); polling covers the gap, so a lost notification only costs latency.
/// </summary>
internal sealed class Notifications(NpgsqlDataSource dataSource, string schema, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public string OrchestrationChannel { get; } = schema + "_orchestrations";

    public string ActivityChannel { get; } = schema + "_activities";

    public WorkSignal Orchestrations { get; } = new();

    public WorkSignal Activities { get; } = new();

    /// <summary>Set with <see cref="Orchestrations"/>, for the sessions waiting on their own instances.</summary>
    public Broadcast OrchestrationMessages { get; } = new();

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
                    }
                    else
                    {
                        Orchestrations.Set();
                        OrchestrationMessages.Set();
                    }
                };
                await using (var listen = new NpgsqlCommand(
                    $"listen {SchemaMigrator.Quote(OrchestrationChannel)}; listen {SchemaMigrator.Quote(ActivityChannel)}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // Whatever was committed while no one listened is found by the pollers now.
                Orchestrations.Set();
                Activities.Set();
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
