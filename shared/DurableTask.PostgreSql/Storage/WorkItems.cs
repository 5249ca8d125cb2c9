using DurableTask.Core;

namespace DurableTask.PostgreSql.Storage;

/// <summary>An orchestration work item with what its checkpoint needs: the lease token and the messages it consumes.</summary>
internal sealed class PostgreSqlOrchestrationWorkItem : TaskOrchestrationWorkItem
{
    public required long LeaseToken { get; init; }

    /// <summary>The execution the stored history belongs to; a checkpoint of another one replaces the history.</summary>
    public required string StoredExecutionId { get; set; }

    /// <summary>The stored history's length: the checkpoint's fence, so a checkpoint retried after it committed is not written twice.</summary>
    public required int StoredHistoryCount { get; set; }

    /// <summary>The stored history's size as read or written (UTF-16 bytes), for the history cache's byte bound.</summary>
    public long StoredHistoryBytes { get; set; }

    /// <summary>The messages of the current round, deleted by its checkpoint.</summary>
    public required long[] MessageIds { get; set; }

    /// <summary>Set once the checkpoint released the lease, so the dispatcher's release costs no round trip.</summary>
    public bool Released { get; set; }
}

/// <summary>An activity call taken from the queue, with the row and the lease token that fence its completion.</summary>
internal sealed class PostgreSqlActivityWorkItem : TaskActivityWorkItem
{
    public required long RowId { get; init; }

    public required long LeaseToken { get; init; }

    /// <summary>How many times the call has been taken, this time included; above 1 an earlier delivery did not complete.</summary>
    public required int Delivery { get; init; }
}

/// <summary>The orchestration statuses after which an instance takes no more messages.</summary>
internal static class Statuses
{
    public static readonly short[] Terminal =
        [(short)OrchestrationStatus.Completed, (short)OrchestrationStatus.Failed, (short)OrchestrationStatus.Terminated];

    public static bool IsTerminal(OrchestrationStatus status) => Terminal.Contains((short)status);
}
