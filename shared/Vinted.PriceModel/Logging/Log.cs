using Microsoft.Extensions.Logging;

namespace Vinted.PriceModel.Logging;

internal static partial class Log
{
    [LoggerMessage(1400, LogLevel.Information, "Trained {Model} (run {RunId}): {TrainRows} rows before {TestDay}, MAE {Mae:0.00} vs baseline {BaselineMae:0.00}, MAPE {Mape:P1} vs {BaselineMape:P1}; version {Version}, promoted {Promoted}")]
    public static partial void Trained(this ILogger logger, string model, string runId, int trainRows, DateOnly testDay, double mae, double baselineMae, double mape, double baselineMape, int version, bool promoted);

    [LoggerMessage(1401, LogLevel.Warning, "Did not train {Model} (run {RunId}): {Reason}")]
    public static partial void NotTrained(this ILogger logger, string model, string runId, string reason);

    [LoggerMessage(1402, LogLevel.Information, "Serving {Model} version {Version}")]
    public static partial void Serving(this ILogger logger, string model, int version);

    [LoggerMessage(1403, LogLevel.Information, "Scored {Rows} listings of {Date} in {Currency} with {Model} version {Version}")]
    public static partial void Scored(this ILogger logger, int rows, DateOnly date, string currency, string model, int version);
}
