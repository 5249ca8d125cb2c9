using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Vinted.Hosting;
using Vinted.Hosting.Postgres;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Scoring;
using Vinted.PriceModel.Serving;
using Vinted.PriceModel.Training;
using Vinted.RawZone;
using Vinted.Warehouse;
using Vinted.Warehouse.Mart;

namespace Vinted.PriceModel;

/// <summary>Registers the price model.</summary>
public static class PriceModelServiceCollectionExtensions
{
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

        services.AddRawZone();
        services.AddSettings<PriceModelOptions>(PriceModelOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FeatureStore>();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<TrainingService>();
        services.AddSingleton<PriceEstimator>();
        services.AddSingleton<PriceScorer>();
        services.AddHostedService<PriceModelMigration>();
        return services;
    }
}

/// <summary>Applies the registry's migrations when the host starts.</summary>
internal sealed class PriceModelMigration(SqlMigrator migrator) : IHostedService
{
    public const string Component = "price-model";

    public Task StartAsync(CancellationToken cancellationToken) =>
        migrator.MigrateAsync(typeof(PriceModelMigration).Assembly, Component, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
