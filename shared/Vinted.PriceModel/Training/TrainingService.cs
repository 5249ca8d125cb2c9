using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Logging;
using Vinted.PriceModel.Registry;

namespace Vinted.PriceModel.Training;

/// <summary>What a training asks: the held-out day (default: each currency's newest day in the mart) and whether a winner is promoted.</summary>
public sealed record TrainRequest
{
    public DateOnly? TestDay { get; init; }

    /// <summary>Overrides <see cref="PriceModelOptions.PromoteWhenBetter"/>.</summary>
    public bool? Promote { get; init; }

    /// <summary>Only these currencies (default: every one in the mart).</summary>
    public IReadOnlyList<string>? Currencies { get; init; }
}

/// <summary>One currency's training run: its figures, the version it registered and whether production moved to it.</summary>
public sealed record TrainOutcome(
    string RunId,
    string ModelName,
    string Currency,
    string Status,
    string? Note,
    DateOnly? TestDay,
    int TrainRows,
    int TestRows,
    RegressionScores? Model,
    RegressionScores? Baseline,
    int? Version,
    bool Promoted);

/// <summary>
/// A training run per currency: features of the <see cref="PriceModelOptions.TrainingDays"/> days before the held-out
/// day D for training and of day D for the test, the model against the median baseline, every run recorded with its
/// parameters, window, metrics and code version, every trained model registered as a version, and the production alias
/// moved to a version only when it beats the baseline.
/// </summary>
public sealed class TrainingService(FeatureStore features, ModelRegistry registry, IOptions<PriceModelOptions> options, TimeProvider time, ILogger<TrainingService> logger)
{
    public async Task<IReadOnlyList<TrainOutcome>> TrainAsync(string runPrefix, TrainRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var outcomes = new List<TrainOutcome>();
        var upTo = request.TestDay ?? DateOnly.MaxValue;
        foreach (var (currency, newest) in await features.CurrenciesAsync(upTo, cancellationToken))
        {
            if (request.Currencies is { } only && !only.Contains(currency, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            outcomes.Add(await TrainCurrencyAsync($"{runPrefix}-{currency.ToLowerInvariant()}", currency, request.TestDay ?? newest, request.Promote ?? settings.PromoteWhenBetter, cancellationToken));
        }

        return outcomes;
    }

    private async Task<TrainOutcome> TrainCurrencyAsync(string runId, string currency, DateOnly testDay, bool promote, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var modelName = ModelRegistry.ModelName(currency);
        var started = time.GetUtcNow();
        var trainFrom = testDay.AddDays(-settings.TrainingDays);
        var trainTo = testDay.AddDays(-1);
        var trainingSample = await features.ReadAsync(currency, trainFrom, trainTo, settings.MaxTrainingRows, cancellationToken);
        var testSample = await features.ReadAsync(currency, testDay, testDay, settings.MaxTestRows, cancellationToken);
        var (training, test) = (trainingSample.Rows, testSample.Rows);
        var parameters = PricePipeline.Parameters(settings);
        TrainingRunRecord Record(string status, string? note, Training.TrainedModel? result) =>
            new(runId, modelName, currency, started, time.GetUtcNow(), status, note, parameters, ModelRegistry.CodeVersion, trainFrom, trainTo, testDay, result);

        if (training.Count < settings.MinTrainingRows || test.Count < settings.MinTestRows)
        {
            var note = $"too little data: {training.Count} rows from {trainFrom:yyyy-MM-dd} to {trainTo:yyyy-MM-dd} (at least {settings.MinTrainingRows}), {test.Count} on {testDay:yyyy-MM-dd} (at least {settings.MinTestRows})";
            await registry.RecordRunAsync(Record("too_little_data", note, null), cancellationToken);
            logger.NotTrained(modelName, runId, note);
            return new TrainOutcome(runId, modelName, currency, "too_little_data", note, testDay, training.Count, test.Count, null, null, null, false);
        }

        var result = PriceTrainer.Train(training, test, settings);
        var status = "registered";
        string? Sampled(string what, FeatureSample sample) =>
            sample.Sampled ? $"{what} on a sample of {sample.Rows.Count:N0} of {sample.Available:N0} rows (by listing)" : null;
        string[] notes = [.. new[] { result.BeatsBaseline ? null : "did not beat the baseline: not promoted", Sampled("trained", trainingSample), Sampled("tested", testSample) }.OfType<string>()];
        var runNote = notes.Length == 0 ? null : string.Join("; ", notes);
        await registry.RecordRunAsync(Record(status, runNote, result), cancellationToken);
        var version = await registry.RegisterAsync(modelName, runId, result.File, result.BeatsBaseline, cancellationToken);
        var promoted = promote && result.BeatsBaseline;
        if (promoted)
        {
            await registry.PromoteAsync(modelName, version, $"training run {runId} beat the baseline", cancellationToken);
        }

        logger.Trained(modelName, runId, result.TrainRows, testDay, result.Model.Mae, result.Baseline.Mae, result.Model.Mape, result.Baseline.Mape, version, promoted);
        return new TrainOutcome(runId, modelName, currency, status, runNote, testDay, result.TrainRows, result.TestRows, result.Model, result.Baseline, version, promoted);
    }
}
