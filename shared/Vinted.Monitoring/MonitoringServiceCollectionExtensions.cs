using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Monitoring.Health;
using Vinted.Monitoring.Insights;
using Vinted.Monitoring.Runs;
using Vinted.Warehouse;
using Vinted.Warehouse.Mart;

namespace Vinted.Monitoring;

/// <summary>Registers the read models behind the monitoring and insight pages, for whichever host serves them.</summary>
public static class MonitoringServiceCollectionExtensions
{
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        // The insights read the mart: its migrations must have run, whether or not the pipeline runs the warehouse
        // stages in this host. Added once, whoever asks first.
        if (!services.Any(d => d.ServiceType == typeof(MartBuilder)))
        {
            services.AddWarehouse();
        }

        services.AddSingleton(sp => new InsightsStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<Readiness>();
        return services;
    }
}
