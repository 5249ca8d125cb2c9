using Microsoft.Extensions.Logging;

namespace Vinted.Warehouse.Logging;

internal static partial class Log
{
    [LoggerMessage(600, LogLevel.Information, "Staged run {RunId} ({Date}): {Rows} rows from {Pages} pages ({Quarantined} quarantined pages skipped) in {ElapsedMs} ms")]
    public static partial void Staged(this ILogger logger, string runId, DateOnly date, long rows, int pages, int quarantined, long elapsedMs);

    [LoggerMessage(601, LogLevel.Warning, "Page {S3Key} of run {RunId}: {Count} items rejected (first: {Reason}); the rest of the page is loaded")]
    public static partial void ItemsRejected(this ILogger logger, string runId, string s3Key, int count, string reason);

    [LoggerMessage(602, LogLevel.Information, "Normalized run {RunId} ({Date}): {Listings} listings, {New} new, {PriceChanges} price changes, {Vanished} vanished, {OutOfView} out of view in {ElapsedMs} ms")]
    public static partial void Normalized(this ILogger logger, string runId, DateOnly date, long listings, long @new, long priceChanges, long vanished, long outOfView, long elapsedMs);

    [LoggerMessage(603, LogLevel.Information, "Built mart for run {RunId} ({Date}): {Facts} facts, {Vanished} vanished, {OutOfView} out of view, {Aggregates} aggregate rows, {RebuiltDays} stale days rebuilt, in {ElapsedMs} ms")]
    public static partial void MartBuilt(this ILogger logger, string runId, DateOnly date, long facts, long vanished, long outOfView, long aggregates, int rebuiltDays, long elapsedMs);

    [LoggerMessage(604, LogLevel.Error, "Data-quality checks failed for run {RunId} at stage {Stage}: {Failed}")]
    public static partial void ChecksFailed(this ILogger logger, string runId, string stage, string failed);
}
