using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vinted.ObjectStore;
using Vinted.Settings;
using Vinted.Platform.Postgres;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Scoring;
using Vinted.PriceModel.Serving;
using Vinted.PriceModel.Training;
using Vinted.Warehouse;
using Vinted.Warehouse.Mart;

namespace Vinted.PriceModel;

/// <summary>Registers the price model.</summary>
public static class PriceModelServiceCollectionExtensions
{
    /// <summary>The registry's migrations' component in <c>public.schema_migrations</c>.</summary>
    public const string MigrationComponent = "price-model";

    /// <summary>
    /// Adds the feature store, registry, trainer, scorer and estimator (singletons; idempotent) and a hosted service that
    /// applies the registry's migrations (component <c>price-model</c>) after the warehouse's, whose mart it reads.
    /// </summary>
    public static IServiceCollection AddPriceModel(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PriceEstimator)))
        {
            return services;
        }

        // The warehouse registers once, whoever asks first (its migrations create the mart the features read).
        if (!services.Any(d => d.ServiceType == typeof(MartBuilder)))
        {
            services.AddWarehouse();
        }

        services.AddObjectStore();
        services.AddSettings<PriceModelOptions>(PriceModelOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FeatureStore>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<TrainingService>();
        services.AddSingleton<PriceEstimator>();
        services.AddSingleton<PriceScorer>();
        services.AddMigrationsOnStart(typeof(PriceModelOptions).Assembly, MigrationComponent);
        return services;
    }
}
