using System.Diagnostics.Metrics;
using DurableTask.PostgreSql.Logging;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// The provider's metrics through <see cref="System.Diagnostics.Metrics"/> (meter <c>DurableTask.PostgreSql</c>), so
/// OpenTelemetry picks them up with <c>AddMeter("DurableTask.PostgreSql")</c>. Queue depths and the oldest message's age
/// are sampled by one query every <see cref="SampleInterval"/> while the service runs, not on every collection.
/// </summary>
internal sealed class ProviderMetrics : IDisposable
{
    public const string MeterName = "DurableTask.PostgreSql";

    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    private readonly Meter _meter;
    private readonly Counter<long> _poisoned;
    private readonly Counter<long> _abandons;
    private readonly Counter<long> _renewals;
    private readonly Counter<long> _transientRetries;
    private readonly Counter<long> _redeliveries;
    private readonly Histogram<double> _checkpointDuration;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _sessionWakeups;
    private readonly KeyValuePair<string, object?> _schema;
    private volatile Sample _last = new(0, 0, 0, 0);

    private sealed record Sample(long OrchestrationMessages, double OldestOrchestrationSeconds, long ActivityCalls, double OldestActivitySeconds);

    public ProviderMetrics(string schema)
    {
        _schema = new("schema", schema);
        _meter = new Meter(MeterName);
        _poisoned = _meter.CreateCounter<long>("durabletask.postgresql.poisoned", description: "Messages and activity calls set aside in poison_messages");
        _abandons = _meter.CreateCounter<long>("durabletask.postgresql.abandons", description: "Work items handed back without completing");
        _renewals = _meter.CreateCounter<long>("durabletask.postgresql.lease_renewals", description: "Lease renewals by outcome: renewed, lost, failed");
        _transientRetries = _meter.CreateCounter<long>("durabletask.postgresql.transient_retries", description: "Database operations run again after a transient error");
        _redeliveries = _meter.CreateCounter<long>("durabletask.postgresql.redeliveries", description: "Work items delivered again after an earlier delivery did not complete (a possible second execution)");
        _checkpointDuration = _meter.CreateHistogram<double>("durabletask.postgresql.checkpoint.duration", unit: "ms", description: "Time to write an orchestration checkpoint, retries included");
        _notifications = _meter.CreateCounter<long>("durabletask.postgresql.notifications", description: "NOTIFYs heard, by queue and whether they woke the poller");
        _sessionWakeups = _meter.CreateCounter<long>("durabletask.postgresql.session_wakeups", description: "Extended sessions woken by a NOTIFY naming their instance");
        _meter.CreateObservableGauge("durabletask.postgresql.orchestration_queue.depth", () => new Measurement<long>(_last.OrchestrationMessages, _schema), description: "Due orchestration messages");
        _meter.CreateObservableGauge("durabletask.postgresql.orchestration_queue.oldest_age", () => new Measurement<double>(_last.OldestOrchestrationSeconds, _schema), unit: "s", description: "Age of the oldest due orchestration message");
        _meter.CreateObservableGauge("durabletask.postgresql.activity_queue.depth", () => new Measurement<long>(_last.ActivityCalls, _schema), description: "Activity calls queued or running");
        _meter.CreateObservableGauge("durabletask.postgresql.activity_queue.oldest_age", () => new Measurement<double>(_last.OldestActivitySeconds, _schema), unit: "s", description: "Age of the oldest activity call not taken");
    }

    public void Poisoned(string queue, int count = 1) => _poisoned.Add(count, _schema, new("queue", queue));

    public void Abandoned(string kind) => _abandons.Add(1, _schema, new("kind", kind));

    public void Renewal(string kind, string outcome) => _renewals.Add(1, _schema, new("kind", kind), new("outcome", outcome));

    public void Redelivered(string kind) => _redeliveries.Add(1, _schema, new("kind", kind));

    public void CheckpointWritten(TimeSpan elapsed) => _checkpointDuration.Record(elapsed.TotalMilliseconds, _schema);

    public void Notified(string queue, bool wokePoller) => _notifications.Add(1, _schema, new("queue", queue), new("woke_poller", wokePoller));

    public void SessionWoken() => _sessionWakeups.Add(1, _schema);

    public void TransientRetry(string operation) => _transientRetries.Add(1, _schema, new("operation", operation));

    /// <summary>Samples the queues until <paramref name="stopping"/>; a failed sample keeps the last one.</summary>
    public async Task SampleAsync(NpgsqlDataSource dataSource, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var command = dataSource.CreateCommand(
                    """
                    select (select count(*) from orchestration_messages where visible_at <= now()),
                           coalesce((select extract(epoch from now() - min(visible_at))::float8 from orchestration_messages where visible_at <= now()), 0),
                           (select count(*) from activity_tasks),
                           coalesce((select extract(epoch from now() - min(created_at))::float8 from activity_tasks where lock_token is null), 0)
                    """);
                await using var reader = await command.ExecuteReaderAsync(stopping);
                if (await reader.ReadAsync(stopping))
                {
                    _last = new Sample(reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetDouble(3));
                }

                await Task.Delay(SampleInterval, time, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException e)
            {
                // The next sample tries again; the gauges keep the last values meanwhile.
                logger.MetricsSampleFailed(e);
                await Task.Delay(SampleInterval, time, CancellationToken.None);
            }
        }
    }

    public void Dispose() => _meter.Dispose();
}
