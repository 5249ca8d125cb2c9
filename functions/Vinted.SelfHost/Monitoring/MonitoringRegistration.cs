using Vinted.SelfHost.Insights;
using Vinted.SelfHost.Pages;

namespace Vinted.SelfHost.Monitoring;

/// <summary>Maps the monitoring and insight pages, their JSON endpoints and their static files.</summary>
public static class MonitoringRegistration
{
    /// <summary>
    /// Static files (the one stylesheet, the page modules and the vendored plotly.js, embedded in Vinted.Monitoring) are
    /// public: they hold code, no data. Everything else needs a function key.
    /// </summary>
    public static WebApplication MapMonitoring(this WebApplication app)
    {
        app.MapPagesApi();
        app.MapRunsApi();
        app.MapInsightsApi();
        return app;
    }
}
