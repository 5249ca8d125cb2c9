using Npgsql;
using Vinted.Functions.Insights;
using Vinted.Functions.Pages;
using Vinted.Warehouse;
using Vinted.Warehouse.Mart;

namespace Vinted.Functions.Monitoring;

/// <summary>Registers and maps the monitoring and insight pages, their JSON endpoints and their static files.</summary>
public static class MonitoringRegistration
{
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        // The insights read the mart: its migrations must have run, whether or not the pipeline runs the warehouse
        // stages in this host. Added once, whoever asks first.
        if (!services.Any(d => d.ServiceType == typeof(MartBuilder)))
        {
            services.AddWarehouse();
        }

        services.AddSingleton(sp => new QualityReader(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(sp => new InsightsStore(sp.GetRequiredService<NpgsqlDataSource>()));
        return services;
    }

    /// <summary>
    /// Static files (<c>wwwroot</c>: the one stylesheet, the page modules and the vendored plotly.js) are public:
    /// they hold code, no data. Everything else needs a function key.
    /// </summary>
    public static WebApplication MapMonitoring(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapPagesApi();
        app.MapRunsApi();
        app.MapInsightsApi();
        return app;
    }
}
