using System.Collections.Concurrent;
using Microsoft.ML;
using Vinted.PriceModel.Features;

namespace Vinted.PriceModel.Serving;

/// <summary>
/// A model file loaded for predictions. Batches go through the transformer (safe on any thread); single items through
/// prediction engines, which are not thread-safe, so each call rents one from a pool. Estimates are prices rounded to
/// the cent, the same whichever path made them.
/// </summary>
public sealed class LoadedPriceModel : IDisposable
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<ListingFeatures, PricePrediction>> _engines = [];

    private LoadedPriceModel(MLContext ml, ITransformer model)
    {
        _ml = ml;
        _model = model;
    }

    public static LoadedPriceModel Load(byte[] file)
    {
        var ml = new MLContext(seed: 1);
        using var stream = new MemoryStream(file, writable: false);
        return new LoadedPriceModel(ml, ml.Model.Load(stream, out _));
    }

    /// <summary>The estimates of a batch, in its order.</summary>
    public IReadOnlyList<decimal> Estimate(IReadOnlyList<ListingFeatures> items)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(items));
        return [.. _ml.Data.CreateEnumerable<PricePrediction>(scored, reuseRowObject: true).Select(p => ToPrice(p.Score))];
    }

    /// <summary>One item's estimate.</summary>
    public decimal Estimate(ListingFeatures item)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<ListingFeatures, PricePrediction>(_model);
        }

        try
        {
            return ToPrice(engine.Predict(item).Score);
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

        (_model as IDisposable)?.Dispose();
    }

    // A cent at least: the deviation divides by it.
    private static decimal ToPrice(float logPrice) => Math.Max(0.01m, Math.Round((decimal)Math.Exp(logPrice), 2, MidpointRounding.AwayFromZero));
}
