using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vinted.ObjectStore.Blob;
using Vinted.ObjectStore.S3;
using Vinted.Settings;

namespace Vinted.ObjectStore;

/// <summary>Registers the object store.</summary>
public static class ObjectStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IObjectStore"/> (a singleton) from the <c>ObjectStore</c> settings (and the older <c>S3</c> ones),
    /// validated at start-up. Idempotent: the raw zone, the lake and the registry each call it.
    /// </summary>
    public static IServiceCollection AddObjectStore(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IObjectStore)))
        {
            return services;
        }

        services.AddSettings<ObjectStoreOptions>(ObjectStoreOptions.Section, ObjectStoreOptions.LegacySection);
        services.AddSingleton(sp => CreateObjectStore(sp.GetRequiredService<IOptions<ObjectStoreOptions>>().Value, sp.GetService<ILoggerFactory>()));
        return services;
    }

    /// <summary>The store <paramref name="options"/> describe (outside a host: tests, benchmarks, tools). The caller disposes it.</summary>
    public static IObjectStore CreateObjectStore(ObjectStoreOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            ObjectStoreProvider.S3 => new S3ObjectStore(S3ObjectStore.CreateClient(options), options),
            ObjectStoreProvider.AzureBlob => new BlobObjectStore(
                BlobObjectStore.CreateContainerClient(options), options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<BlobObjectStore>()),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "unknown object store provider"),
        };
    }
}
