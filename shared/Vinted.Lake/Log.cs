using Microsoft.Extensions.Logging;

namespace Vinted.Lake;

internal static partial class Log
{
    [LoggerMessage(900, LogLevel.Information, "Lake: {Table} {Partition} switched to a part of {Rows} rows ({Bytes} bytes); {Superseded} superseded parts deleted")]
    public static partial void PartitionSwitched(this ILogger logger, string table, string partition, long rows, long bytes, int superseded);

    [LoggerMessage(901, LogLevel.Information, "Lake written: {Days} days, {Partitions} partitions, {Rows} rows, {Bytes} bytes in {ElapsedMs} ms")]
    public static partial void LakeWritten(this ILogger logger, int days, int partitions, long rows, long bytes, long elapsedMs);
}
