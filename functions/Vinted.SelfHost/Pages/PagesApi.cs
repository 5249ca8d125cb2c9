using Vinted.Monitoring.Runs;
using Vinted.Monitoring.Insights;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Vinted.Orchestration.Http.Security;

namespace Vinted.SelfHost.Pages;

/// <summary>
/// The monitoring and insight pages: <c>/runs</c>, <c>/runs/{id}</c>, <c>/insights</c> and <c>/models</c> (and <c>/</c>, which
/// leads to the runs). Behind the function keys like the API. A valid key given as <c>?code=</c> is moved into an
/// HttpOnly, SameSite=Strict cookie and the page is reloaded without it, so the key leaves the address bar and
/// every link and script request of the pages keeps working.
/// </summary>
public static class PagesApi
{
    /// <summary>Pages are rendered per request and hold no data themselves; the browser must not serve a stale shell.</summary>
    private const string NoStore = "no-store";

    /// <summary>Scripts and styles come from this host only; plotly draws with inline styles and data: images.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'";

    public static IEndpointRouteBuilder MapPagesApi(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("")
            .AddEndpointFilter(MoveKeyToCookieAsync)
            .RequireFunctionKey()
            .AddEndpointFilter(async (invocation, next) =>
            {
                var headers = invocation.HttpContext.Response.Headers;
                headers.CacheControl = NoStore;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                return await next(invocation);
            });
        pages.MapGet("/", () => TypedResults.Redirect("/runs"));
        pages.MapGet("/runs", RunsPage);
        pages.MapGet("/runs/{id}", RunPage);
        pages.MapGet("/insights", InsightsPage);
        pages.MapGet("/models", ModelsPage);
        return app;
    }

    private static ContentHttpResult RunsPage() => Html(PageShell.Render("Runs", "runs", PageBodies.Runs, "runs.js"));

    private static ContentHttpResult RunPage(string id) =>
        Html(PageShell.Render($"Run {id}", "runs", PageBodies.Run(PageShell.Attribute(id)), "run.js"));

    private static ContentHttpResult InsightsPage() => Html(PageShell.Render("Insights", "insights", PageBodies.Insights, "insights.js"));

    private static ContentHttpResult ModelsPage() => Html(PageShell.Render("Price models", "models", PageBodies.Models, "models.js"));

    private static ContentHttpResult Html(string html) => TypedResults.Content(html, "text/html; charset=utf-8");

    /// <summary>
    /// A page load with a valid <c>code</c>: set the cookie and redirect to the same address without the code. An
    /// invalid code falls through to the key check, which refuses it.
    /// </summary>
    private static async ValueTask<object?> MoveKeyToCookieAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        string? code = context.Request.Query[FunctionKeys.QueryName];
        if (string.IsNullOrEmpty(code) || FunctionKeys.LevelOf(context, code) == KeyLevel.None)
        {
            return await next(invocation);
        }

        context.Response.Cookies.Append(FunctionKeys.CookieName, code, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
        var query = QueryString.Create(context.Request.Query.Where(q => !string.Equals(q.Key, FunctionKeys.QueryName, StringComparison.OrdinalIgnoreCase)));
        return TypedResults.Redirect(UriHelper.BuildRelative(context.Request.PathBase, context.Request.Path, query));
    }
}
