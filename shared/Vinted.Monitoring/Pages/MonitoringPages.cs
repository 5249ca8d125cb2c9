using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Vinted.Monitoring.Pages;

/// <summary>
/// The pages (<c>/runs</c>, <c>/runs/{id}</c>, <c>/insights</c>, <c>/models</c>) as both hosts serve them: the HTML shell
/// with the headers every page carries. The shells hold no data; the page modules read it from the JSON endpoints,
/// which need a function key.
/// </summary>
public static class MonitoringPages
{
    /// <summary>Pages are rendered per request and hold no data themselves; the browser must not serve a stale shell.</summary>
    private const string NoStore = "no-store";

    /// <summary>Scripts and styles come from this host only; plotly draws with inline styles and data: images.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'";

    public static ContentHttpResult Runs(HttpResponse response) => Html(response, PageShell.Render("Runs", "runs", PageBodies.Runs, "runs.js"));

    public static ContentHttpResult Run(HttpResponse response, string id) =>
        Html(response, PageShell.Render($"Run {id}", "runs", PageBodies.Run(PageShell.Attribute(id)), "run.js"));

    public static ContentHttpResult Insights(HttpResponse response) => Html(response, PageShell.Render("Insights", "insights", PageBodies.Insights, "insights.js"));

    public static ContentHttpResult Models(HttpResponse response) => Html(response, PageShell.Render("Price models", "models", PageBodies.Models, "models.js"));

    private static ContentHttpResult Html(HttpResponse response, string html)
    {
        var headers = response.Headers;
        headers.CacheControl = NoStore;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}
