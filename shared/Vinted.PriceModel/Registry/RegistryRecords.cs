using Vinted.PriceModel.Training;

namespace Vinted.PriceModel.Registry;

/// <summary>One training run as the registry keeps it.</summary>
public sealed record TrainingRunRecord(
    string RunId,
    string ModelName,
    string Currency,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Status,
    string? Note,
    IReadOnlyDictionary<string, object> Parameters,
    string CodeVersion,
    DateOnly? TrainFrom,
    DateOnly? TrainTo,
    DateOnly? TestDay,
    TrainedModel? Result);

/// <summary>A model version the production alias may point at: where its file lies and its SHA-256.</summary>
public sealed record ModelPointer(string ModelName, int Version, string S3Key, string Sha256);

/// <summary>A version with its run's figures, for the registry page and API.</summary>
public sealed record ModelVersionView(
    string ModelName,
    int Version,
    DateTimeOffset CreatedAt,
    string Sha256,
    long SizeBytes,
    bool BeatsBaseline,
    string RunId,
    string Currency,
    DateOnly? TrainFrom,
    DateOnly? TrainTo,
    DateOnly? TestDay,
    int? TrainRows,
    int? TestRows,
    decimal? Mae,
    decimal? Mape,
    decimal? R2,
    decimal? BaselineMae,
    decimal? BaselineMape,
    decimal? BaselineR2,
    string CodeVersion,
    string Trainer,
    decimal? TrainingSeconds,
    string? FeatureImportance,
    string Parameters,
    IReadOnlyList<string> Aliases);

/// <summary>A registry request that cannot be done as asked (no such version, a version that lost to its baseline, nothing to roll back to).</summary>
public sealed class RegistryException(string message) : Exception(message);
