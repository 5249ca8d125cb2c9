using DurableTask.PostgreSql.Logging;

namespace DurableTask.PostgreSql;

// Checkpoint latency, as a histogram for dashboards and as log events: every checkpoint at Debug, a slow one (a
// quarter of the lease or more, when a stalled database starts to threaten the lease) as a warning.
public sealed partial class PostgreSqlOrchestrationService
{
    private void ReportCheckpoint(string instanceId, TimeSpan elapsed, int events)
    {
        _metrics.CheckpointWritten(elapsed);
        if (elapsed >= Lease / 4)
        {
            _logger.SlowCheckpoint(instanceId, (long)elapsed.TotalMilliseconds, events, Lease.TotalSeconds);
        }
        else
        {
            _logger.CheckpointWritten(instanceId, (long)elapsed.TotalMilliseconds, events);
        }
    }
}
