namespace Vinted.Warehouse.Quality;

/// <summary>The warehouse stages a run passes through, in order; each has its own checks.</summary>
public static class WarehouseStage
{
    public const string Staging = "staging";
    public const string Normalize = "normalize";
    public const string Mart = "mart";
}

/// <summary>The outcome of one named check for one run (a row of <c>quality.check_result</c>).</summary>
/// <param name="Passed">Observed equals expected.</param>
/// <param name="Blocking">A failure stops the pipeline: the next stage refuses to run.</param>
public sealed record CheckResult(string Stage, string Name, bool Passed, decimal? Observed, decimal? Expected, bool Blocking, string? Details)
{
    /// <summary>When the check was recorded; null for a result not yet recorded.</summary>
    public DateTimeOffset? CheckedAt { get; init; }

    public override string ToString() =>
        $"{Stage}.{Name}: observed {Observed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, expected {Expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} ({Details})";
}

/// <summary>One or more blocking data-quality checks failed; the message lists each by name.</summary>
public sealed class DataQualityException : Exception
{
    public DataQualityException(string runId, string stage, IReadOnlyList<CheckResult> failed)
        : base($"Data-quality checks failed for run '{runId}' at stage '{stage}': {string.Join("; ", failed)}")
    {
        RunId = runId;
        Stage = stage;
        Failed = failed;
    }

    public DataQualityException()
    {
    }

    public DataQualityException(string message)
        : base(message)
    {
    }

    public DataQualityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string RunId { get; } = "";

    public string Stage { get; } = "";

    /// <summary>The failed blocking checks.</summary>
    public IReadOnlyList<CheckResult> Failed { get; } = [];
}
