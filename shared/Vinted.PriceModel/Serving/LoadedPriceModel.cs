using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Vinted.PriceModel.Features;

namespace Vinted.PriceModel.Serving;

/// <summary>
/// A model file loaded for predictions. A model of <see cref="Training.PricePipeline"/> is compiled once at load
/// (<see cref="CompiledPriceModel"/>: its trees evaluated in plain C#, each thread with a scratch vector of its own from a
/// pool); any other model goes through ML.NET's prediction engines, which are not thread-safe, so each call rents one
/// from a pool. Estimates are prices rounded to the cent; HTTP estimates and batch scores take the same path.
/// </summary>
public sealed class LoadedPriceModel : IDisposable
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<ListingFeatures, PricePrediction>> _engines = [];
    private readonly CompiledPriceModel? _compiled;
    private readonly ConcurrentBag<CompiledPriceModel.Scratch> _scratches = [];
    private readonly PredictionEngine<ListingFeatures, FeaturesRow>? _featurizer;

    private LoadedPriceModel(MLContext ml, ITransformer model)
    {
        _ml = ml;
        _model = model;
        // A loaded chain's predictor is typed by the loader, not as trained: matched by its model, not by its own type.
        if (model is IEnumerable<ITransformer> chain && chain.ToArray() is [.. var featurizing, ISingleFeaturePredictionTransformer<object> { Model: LightGbmRegressionModelParameters predictor }])
        {
            var featurizer = new TransformerChain<ITransformer>(featurizing);
            var schema = featurizer.Transform(ml.Data.LoadFromEnumerable(Array.Empty<ListingFeatures>())).Schema;
            _featurizer = ml.Model.CreatePredictionEngine<ListingFeatures, FeaturesRow>(featurizer);
            _compiled = CompiledPriceModel.TryCompile(predictor, item => _featurizer.Predict(item).Features, schema);
        }
    }

    /// <summary>Whether estimates come from the compiled trees (a model of this project's pipeline) rather than ML.NET's engines.</summary>
    internal bool IsCompiled => _compiled is not null;

    public static LoadedPriceModel Load(byte[] file)
    {
        var ml = new MLContext(seed: 1);
        using var stream = new MemoryStream(file, writable: false);
        return new LoadedPriceModel(ml, ml.Model.Load(stream, out _));
    }

    /// <summary>The estimates of a batch, in its order.</summary>
    public IReadOnlyList<decimal> Estimate(IReadOnlyList<ListingFeatures> items) => [.. Scores(items).Select(ToPrice)];

    /// <summary>One item's estimate.</summary>
    public decimal Estimate(ListingFeatures item) => ToPrice(Scores([item])[0]);

    /// <summary>The model's scores (log prices) of a batch, compiled when the model could be.</summary>
    internal float[] Scores(IReadOnlyList<ListingFeatures> items)
    {
        if (_compiled is null)
        {
            return EngineScores(items);
        }

        if (!_scratches.TryTake(out var scratch))
        {
            scratch = _compiled.NewScratch();
        }

        try
        {
            var scores = new float[items.Count];
            _compiled.Score(items, scores, scratch);
            return scores;
        }
        finally
        {
            _scratches.Add(scratch);
        }
    }

    /// <summary>The scores of ML.NET's own prediction engine: what the compiled trees must equal.</summary>
    internal float[] EngineScores(IReadOnlyList<ListingFeatures> items) => Predict(engine => items.Select(i => engine.Predict(i).Score).ToArray());

    /// <summary>
    /// Runs <paramref name="predict"/> on a pooled engine. An engine per batch, not the transformer over a data view:
    /// building a data view per request cost ~100 ms a batch, a pooled engine microseconds an item.
    /// </summary>
    private T Predict<T>(Func<PredictionEngine<ListingFeatures, PricePrediction>, T> predict)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<ListingFeatures, PricePrediction>(_model);
        }

        try
        {
            return predict(engine);
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    public void Dispose()
    {
        while (_engines.TryTake(out var engine))
        {
            engine.Dispose();
        }

        _featurizer?.Dispose();
        (_model as IDisposable)?.Dispose();
    }


    // A cent at least: the deviation divides by it.
    private static decimal ToPrice(float logPrice) => Math.Max(0.01m, Math.Round((decimal)Math.Exp(logPrice), 2, MidpointRounding.AwayFromZero));
}

/// <summary>The featurizing transforms' output, read once per new value by <see cref="CompiledPriceModel"/> (ML.NET fills it by reflection).</summary>
internal sealed class FeaturesRow
{
    public VBuffer<float> Features { get; set; }
}
