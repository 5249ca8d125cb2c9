using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vinted.Settings;
using Vinted.ObjectStore;
using Vinted.Platform.Postgres;

namespace Vinted.Lake;

/// <summary>Registers the lake.</summary>
public static class LakeServiceCollectionExtensions
{
    /// <summary>Adds <see cref="LakeWriter"/> and <see cref="LakeStore"/> (singletons), the <c>Lake</c> settings, and the PostgreSQL data source and object store when not already added.</summary>
    public static IServiceCollection AddLake(this IServiceCollection services)
    {
        services.AddPostgres();
        services.AddObjectStore();
        services.AddSettings<LakeOptions>(LakeOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LakeStore>();
        services.TryAddSingleton<LakeWriter>();
        return services;
    }
}
