using System.Diagnostics;
using Microsoft.ML;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Serving;

namespace Vinted.PriceModel.Training;

/// <summary>What one training produced: the model file, its scores and the baseline's on the held-out day, and what weighed.</summary>
public sealed record TrainedModel(
    byte[] File,
    int TrainRows,
    int TestRows,
    RegressionScores Model,
    RegressionScores Baseline,
    IReadOnlyDictionary<string, double> Importance,
    TimeSpan Elapsed)
{
    public bool BeatsBaseline => Model.Beats(Baseline);
}

/// <summary>Trains one currency's model on the rows before the held-out day and scores it, and the baseline, on that day.</summary>
public static class PriceTrainer
{
    /// <param name="threads">LightGBM's threads; 0 lets it take every core.</param>
    public static TrainedModel Train(IReadOnlyList<FeatureRow> training, IReadOnlyList<FeatureRow> test, PriceModelOptions options, int threads = 0)
    {
        if (training.Count == 0 || test.Count == 0)
        {
            throw new ArgumentException("Training needs rows before the held-out day and rows on it.", nameof(training));
        }

        var watch = Stopwatch.StartNew();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(training.Select(r => r.Features));
        var model = PricePipeline.Build(ml, options, threads).Fit(data);
        var elapsed = watch.Elapsed;

        using var buffer = new MemoryStream();
        ml.Model.Save(model, data.Schema, buffer);
        var file = buffer.ToArray();

        // Scored through the saved file, as serving and batch scoring will: what is measured is what is shipped.
        using var loaded = LoadedPriceModel.Load(file);
        var actual = test.Select(r => (double)r.Price).ToArray();
        var predicted = loaded.Estimate(test.Select(r => r.Features).ToList()).Select(e => (double)e).ToArray();
        var baseline = new MedianBaseline(training);
        var baselinePredicted = test.Select(r => baseline.Estimate(r.Features)).ToArray();
        var importance = PricePipeline.Importance(model, ml.Data.TakeRows(data, 1_000));
        return new TrainedModel(file, training.Count, test.Count, RegressionScores.Of(actual, predicted), RegressionScores.Of(actual, baselinePredicted), importance, elapsed);
    }
}
