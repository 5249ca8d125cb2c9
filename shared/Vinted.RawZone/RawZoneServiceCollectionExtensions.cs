using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vinted.ObjectStore;

namespace Vinted.RawZone;

/// <summary>Registers the raw zone.</summary>
public static class RawZoneServiceCollectionExtensions
{
    /// <summary>Adds <see cref="RawZoneStore"/> on the object store. Idempotent: ingestion and the warehouse both call it, the first call registers.</summary>
    public static IServiceCollection AddRawZone(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(RawZoneStore)))
        {
            return services;
        }

        services.AddObjectStore();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RawZoneStore>();
        return services;
    }
}
