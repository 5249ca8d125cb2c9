using Microsoft.Extensions.Logging;

namespace DurableTask.PostgreSql.Logging;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "LISTEN connection to the task hub failed; polling covers the gap while it reconnects")]
    public static partial void ListenFailed(this ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Dropped the result of activity {Name} for {InstanceId}: its lease expired and another worker holds the call (token {LeaseToken})")]
    public static partial void StaleActivityCompletion(this ILogger logger, string name, string instanceId, long leaseToken);

    [LoggerMessage(3, LogLevel.Warning, "Dropped the checkpoint of {InstanceId}: its lease expired and another worker holds the instance")]
    public static partial void StaleCheckpoint(this ILogger logger, string instanceId);

    [LoggerMessage(4, LogLevel.Information, "Discarded {Count} message(s) for {InstanceId}, which is {Status}")]
    public static partial void DiscardedMessages(this ILogger logger, int count, string instanceId, string status);

    [LoggerMessage(5, LogLevel.Warning, "Writing {Count} activity result(s) failed after retries; each is tried alone, and one that still fails returns to the queue when its lease expires")]
    public static partial void CompletionBatchFailed(this ILogger logger, int count, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Orchestration {InstanceId} scheduled sub-orchestration {ChildInstanceId} twice in one turn; the second call fails")]
    public static partial void DuplicateSubOrchestrationStart(this ILogger logger, string instanceId, string childInstanceId);

    [LoggerMessage(7, LogLevel.Information, "Terminated {InstanceId} before its scheduled start")]
    public static partial void TerminatedBeforeStart(this ILogger logger, string instanceId);

    [LoggerMessage(8, LogLevel.Warning, "{Count} message(s) for {InstanceId}, which has not started and has no start due; held back")]
    public static partial void MessagesBeforeStart(this ILogger logger, int count, string instanceId);

    [LoggerMessage(9, LogLevel.Error, "Set aside activity call {RowId} of {InstanceId} in poison_messages; the call fails into its orchestrator: {Error}")]
    public static partial void PoisonActivity(this ILogger logger, long rowId, string instanceId, string error);

    [LoggerMessage(10, LogLevel.Error, "Failed orchestration {InstanceId} and set aside {Count} message(s) in poison_messages: {Error}")]
    public static partial void PoisonOrchestration(this ILogger logger, string instanceId, int count, string error);

    [LoggerMessage(11, LogLevel.Error, "Set aside unreadable message {MessageId} for {InstanceId} in poison_messages: {Error}")]
    public static partial void UnreadableMessage(this ILogger logger, long messageId, string instanceId, string error);

    [LoggerMessage(12, LogLevel.Warning, "Transient database error in {Operation} (attempt {Attempt}); retrying")]
    public static partial void TransientRetry(this ILogger logger, string operation, int attempt, Exception exception);

    [LoggerMessage(13, LogLevel.Warning, "Renewing the lease of {WorkItem} failed with a transient error; the next renewal tries again")]
    public static partial void RenewalFailed(this ILogger logger, string workItem, Exception exception);

    [LoggerMessage(14, LogLevel.Information, "The checkpoint of {InstanceId} had committed before its connection broke; not written again")]
    public static partial void CheckpointAlreadyCommitted(this ILogger logger, string instanceId);

    [LoggerMessage(15, LogLevel.Warning, "Sampling the queue depths for the metrics failed; the gauges keep their last values")]
    public static partial void MetricsSampleFailed(this ILogger logger, Exception exception);

    [LoggerMessage(16, LogLevel.Information, "Abandoned {Kind} work item {WorkItem}")]
    public static partial void Abandoned(this ILogger logger, string kind, string workItem);

    [LoggerMessage(17, LogLevel.Warning, "The lease of {Kind} work item {WorkItem} was lost: another worker holds it")]
    public static partial void LeaseLost(this ILogger logger, string kind, string workItem);

    [LoggerMessage(18, LogLevel.Debug, "Checkpoint of {InstanceId} written in {ElapsedMs} ms ({Events} history events)")]
    public static partial void CheckpointWritten(this ILogger logger, string instanceId, long elapsedMs, int events);

    [LoggerMessage(19, LogLevel.Warning, "Checkpoint of {InstanceId} took {ElapsedMs} ms ({Events} history events); the instance's lease is {LeaseSeconds} s")]
    public static partial void SlowCheckpoint(this ILogger logger, string instanceId, long elapsedMs, int events, double leaseSeconds);

    // A call handed out again may have run before (its host crashed, stalled past the lease or lost its result): the
    // log line that says an activity may execute twice.
    [LoggerMessage(20, LogLevel.Warning, "Activity call {WorkItem} ({Name}) is delivered again (delivery {Delivery}): it may have run before on a host that crashed, stalled or lost its lease")]
    public static partial void ActivityRedelivered(this ILogger logger, string workItem, string name, int delivery);

    // Ids from 40 up: the events of the hot path (wake-ups, replay, the history cache).
    [LoggerMessage(40, LogLevel.Debug, "The session of {InstanceId} was woken by a notification naming it")]
    public static partial void SessionWoken(this ILogger logger, string instanceId);
}
