using Microsoft.Extensions.Logging;

namespace Vinted.Api.Logging;

/// <summary>The client's log events. Tokens and cookies are never logged, only the domain.</summary>
internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Information, "Session established for domain {Domain}")]
    public static partial void SessionEstablished(this ILogger logger, string domain);

    [LoggerMessage(301, LogLevel.Information, "Session refreshed for domain {Domain}")]
    public static partial void SessionRefreshed(this ILogger logger, string domain);

    [LoggerMessage(302, LogLevel.Warning, "Request to domain {Domain} failed (status {Status}, {Exception}); retry {Attempt} in {Delay}")]
    public static partial void Retrying(this ILogger logger, string domain, int attempt, int? status, TimeSpan delay, string? exception);

    [LoggerMessage(303, LogLevel.Error, "Circuit opened for domain {Domain} for {BreakDuration}")]
    public static partial void CircuitOpened(this ILogger logger, string domain, TimeSpan breakDuration);

    [LoggerMessage(304, LogLevel.Error, "Domain {Domain} blocked the request to {Uri} ({BlockKind})")]
    public static partial void Blocked(this ILogger logger, string domain, Uri uri, string blockKind);

    [LoggerMessage(305, LogLevel.Warning, "Page {Page} of {SearchKey} on {Domain} is flagged: {Problem}")]
    public static partial void PageFlagged(this ILogger logger, string domain, string searchKey, int page, string problem);

    [LoggerMessage(306, LogLevel.Warning, "Route {Route} of domain {Domain} was {Reason}: it cools down until {Until}; the page goes through the next route")]
    public static partial void RouteCoolingDown(this ILogger logger, string domain, string route, string reason, DateTimeOffset until);

    [LoggerMessage(307, LogLevel.Error, "Domain {Domain} is blocked: all {Routes} routes cool down; nothing is sent before {ReopensAt}")]
    public static partial void DomainCircuitOpen(this ILogger logger, string domain, int routes, DateTimeOffset reopensAt);
}
