using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Logging;
using Vinted.PriceModel.Registry;

namespace Vinted.PriceModel.Serving;

/// <summary>An estimate and the model version that made it.</summary>
public sealed record PriceEstimate(decimal Estimate, string Currency, string ModelName, int ModelVersion);

/// <summary>
/// Answers estimates with each currency's production model, loaded once and kept. Each request looks at the alias
/// (a primary-key read, at most once per <see cref="PriceModelOptions.AliasCheckInterval"/>); when it points at another
/// version the new file is loaded, checked against its SHA-256, and swapped in atomically: requests in flight finish on
/// the model they started with, and nothing restarts.
/// </summary>
public sealed class PriceEstimator(ModelRegistry registry, IOptions<PriceModelOptions> options, TimeProvider time, ILogger<PriceEstimator> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>Estimates for items of one currency, in order; null when the currency has no production model.</summary>
    public async Task<IReadOnlyList<PriceEstimate>?> EstimateAsync(string currency, IReadOnlyList<ListingFeatures> items, CancellationToken cancellationToken)
    {
        var served = await CurrentAsync(ModelRegistry.ModelName(currency), cancellationToken);
        if (served is null)
        {
            return null;
        }

        return [.. served.Model.Estimate(items).Select(e => new PriceEstimate(e, currency, served.Pointer.ModelName, served.Pointer.Version))];
    }

    /// <summary>
    /// The production model of <paramref name="modelName"/> as of now (reloaded when the alias moved), or null;
    /// <paramref name="fresh"/> reads the alias whatever the check interval (batch scoring must use the production model of the moment).
    /// </summary>
    public async Task<ServedModel?> CurrentAsync(string modelName, CancellationToken cancellationToken, bool fresh = false)
    {
        var slot = _slots.GetOrAdd(modelName, _ => new Slot());
        var now = time.GetUtcNow();
        var current = slot.Served;
        if (!fresh && current is not null && now - slot.CheckedAt < options.Value.AliasCheckInterval)
        {
            return current;
        }

        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var pointer = await registry.ProductionAsync(modelName, cancellationToken);
            slot.CheckedAt = time.GetUtcNow();
            if (pointer is null)
            {
                slot.Served = null;
                return null;
            }

            if (slot.Served?.Pointer == pointer)
            {
                return slot.Served;
            }

            var file = await registry.ReadFileAsync(pointer, cancellationToken);
            // The replaced model is left to the collector, not disposed: a request may still be using it.
            slot.Served = new ServedModel(pointer, LoadedPriceModel.Load(file));
            logger.Serving(modelName, pointer.Version);
            return slot.Served;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Served?.Model.Dispose();
            slot.Gate.Dispose();
        }
    }

    private sealed class Slot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public volatile ServedModel? Served;

        public DateTimeOffset CheckedAt { get; set; }
    }
}

/// <summary>A loaded model and the registry version it is.</summary>
public sealed record ServedModel(ModelPointer Pointer, LoadedPriceModel Model);
