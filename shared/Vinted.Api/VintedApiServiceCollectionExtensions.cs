using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Api.Options;
using Vinted.Settings;

namespace Vinted.Api;

/// <summary>Wires the client into a host.</summary>
public static class VintedApiServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates the <c>VintedApi</c> section at start-up and registers one <see cref="IVintedClient"/>
    /// (a singleton: the per-domain rate limits and sessions must be shared by every caller in the process).
    /// </summary>
    public static IServiceCollection AddVintedClient(this IServiceCollection services)
    {
        services.AddSettings<VintedApiOptions>(VintedApiOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new VintedClient(
            new HttpClient(VintedClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<IOptions<VintedApiOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<VintedClient>>()));
        services.TryAddSingleton<IVintedClient>(sp => sp.GetRequiredService<VintedClient>());
        return services;
    }
}
