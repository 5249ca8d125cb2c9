namespace Vinted.Orchestration.Storage;

/// <summary>A step's state in the ledger.</summary>
public enum StepStatus
{
    Scheduled,
    Running,
    Retrying,
    Completed,
    Failed,
}

/// <summary>An orchestration instance as stored.</summary>
internal sealed record InstanceRecord(
    string Id,
    string Name,
    OrchestrationRuntimeStatus Status,
    string? Input,
    string? Output,
    string? CustomStatus,
    string? Error,
    int Outstanding,
    int Executions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    bool WakePending);

/// <summary>One activity call as stored.</summary>
internal sealed record StepRecord(
    int Seq,
    string Name,
    string Queue,
    string? Input,
    string InputHash,
    string Retry,
    StepStatus Status,
    string? Output,
    string? Error,
    string Errors,
    int Attempts,
    int Rewinds,
    DateTimeOffset ScheduledAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt);

/// <summary>A step to hand to a worker queue.</summary>
internal sealed record StepRef(string InstanceId, int Seq, string Queue);
