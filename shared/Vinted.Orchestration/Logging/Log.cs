using Microsoft.Extensions.Logging;

namespace Vinted.Orchestration.Logging;

/// <summary>The engine host's log events; ids are stable so that alerts can key on them.</summary>
internal static partial class Log
{
    [LoggerMessage(121, LogLevel.Information, "Purged {Count} instances finished before {Cutoff}")]
    public static partial void Purged(this ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(122, LogLevel.Error, "Retention purge failed")]
    public static partial void PurgeFailed(this ILogger logger, Exception error);

    [LoggerMessage(130, LogLevel.Information, "Timer {Schedule} slot {Slot}: {Outcome} {InstanceId}")]
    public static partial void TimerSlot(this ILogger logger, string schedule, DateTimeOffset slot, string outcome, string instanceId);

    [LoggerMessage(131, LogLevel.Error, "Timer {Schedule} failed")]
    public static partial void TimerFailed(this ILogger logger, string schedule, Exception error);
}
