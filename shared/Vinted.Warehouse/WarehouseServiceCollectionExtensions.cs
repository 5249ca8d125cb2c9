using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Settings;
using Vinted.Platform.Postgres;
using Vinted.RawZone;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;
using Vinted.Warehouse.Vanished;

namespace Vinted.Warehouse;

/// <summary>Registers the warehouse.</summary>
public static class WarehouseServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="StagingLoader"/>, <see cref="Normalizer"/>, <see cref="MartBuilder"/> and <see cref="VanishedOutcomes"/> (singletons), the
    /// PostgreSQL data source and the raw zone when not already added, and a hosted service that applies the
    /// warehouse's migrations (component <c>warehouse</c>) when the host starts.
    /// </summary>
    public static IServiceCollection AddWarehouse(this IServiceCollection services)
    {
        services.AddPostgres();
        services.AddRawZone();
        services.AddSettings<WarehouseOptions>(WarehouseOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new QualityResults(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(sp => new QualityRunner(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<WarehouseOptions>>()));
        services.AddSingleton(sp => new StagingLoader(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<RawZoneStore>(), sp.GetRequiredService<QualityRunner>(),
            sp.GetRequiredService<IOptions<WarehouseOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StagingLoader>>()));
        services.AddSingleton(sp => new Normalizer(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<QualityRunner>(), sp.GetRequiredService<IOptions<WarehouseOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Normalizer>>()));
        services.AddSingleton(sp => new MartBuilder(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<QualityRunner>(), sp.GetRequiredService<IOptions<WarehouseOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MartBuilder>>()));
        services.AddSingleton(sp => new VanishedOutcomes(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<WarehouseOptions>>()));
        services.AddMigrationsOnStart(typeof(Normalizer).Assembly, "warehouse");
        return services;
    }
}
