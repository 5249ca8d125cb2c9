using Microsoft.Extensions.Logging;

namespace Vinted.Orchestration.Logging;

/// <summary>The layer's log events; ids are stable so that alerts can key on them.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Instance {InstanceId} of {Orchestrator} started")]
    public static partial void InstanceStarted(this ILogger logger, string instanceId, string orchestrator);

    [LoggerMessage(101, LogLevel.Information, "Instance {InstanceId} {Status} after {Executions} executions")]
    public static partial void InstanceFinished(this ILogger logger, string instanceId, OrchestrationRuntimeStatus status, int executions);

    [LoggerMessage(102, LogLevel.Debug, "Instance {InstanceId} execution scheduled {NewSteps} steps")]
    public static partial void ExecutionScheduled(this ILogger logger, string instanceId, int newSteps);

    [LoggerMessage(103, LogLevel.Error, "Instance {InstanceId} is not deterministic")]
    public static partial void NonDeterministic(this ILogger logger, string instanceId, Exception error);

    [LoggerMessage(110, LogLevel.Warning, "Activity {Activity} of {InstanceId} step {Step} failed on attempt {Attempt}; retrying in {Delay}")]
    public static partial void ActivityRetrying(this ILogger logger, string activity, string instanceId, int step, int attempt, TimeSpan delay, Exception error);

    [LoggerMessage(111, LogLevel.Error, "Activity {Activity} of {InstanceId} step {Step} failed for good on attempt {Attempt}")]
    public static partial void ActivityFailed(this ILogger logger, string activity, string instanceId, int step, int attempt, Exception error);

    [LoggerMessage(120, LogLevel.Warning, "Sweeper re-dispatched {Steps} steps and woke {Instances} instances")]
    public static partial void Swept(this ILogger logger, int steps, int instances);

    [LoggerMessage(121, LogLevel.Information, "Purged {Count} instances finished before {Cutoff}")]
    public static partial void Purged(this ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(122, LogLevel.Error, "Sweeper pass failed")]
    public static partial void SweepFailed(this ILogger logger, Exception error);

    [LoggerMessage(130, LogLevel.Information, "Timer {Schedule} slot {Slot}: {Outcome} {InstanceId}")]
    public static partial void TimerSlot(this ILogger logger, string schedule, DateTimeOffset slot, string outcome, string instanceId);

    [LoggerMessage(131, LogLevel.Error, "Timer {Schedule} failed")]
    public static partial void TimerFailed(this ILogger logger, string schedule, Exception error);
}
