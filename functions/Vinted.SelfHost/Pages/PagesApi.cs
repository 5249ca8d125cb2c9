using Microsoft.AspNetCore.Http.Extensions;
using Vinted.Monitoring.Pages;
using Vinted.Orchestration.Http.Security;

namespace Vinted.SelfHost.Pages;

/// <summary>
/// The monitoring and insight pages: <c>/runs</c>, <c>/runs/{id}</c>, <c>/insights</c> and <c>/models</c> (and <c>/</c>, which
/// leads to the runs). Behind the function keys like the API. A valid key given as <c>?code=</c> is moved into an
/// HttpOnly, SameSite=Strict cookie and the page is reloaded without it, so the key leaves the address bar and
/// every link and script request of the pages keeps working. The HTML and the static files are the shared ones
/// (<see cref="MonitoringPages"/>, <see cref="StaticAssets"/>), which the Azure worker serves too.
/// </summary>
public static class PagesApi
{
    public static IEndpointRouteBuilder MapPagesApi(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("")
            .AddEndpointFilter(MoveKeyToCookieAsync)
            .RequireFunctionKey();
        pages.MapGet("/", () => TypedResults.Redirect("/runs"));
        pages.MapGet("/runs", (HttpResponse response) => MonitoringPages.Runs(response));
        pages.MapGet("/runs/{id}", (HttpResponse response, string id) => MonitoringPages.Run(response, id));
        pages.MapGet("/insights", (HttpResponse response) => MonitoringPages.Insights(response));
        pages.MapGet("/models", (HttpResponse response) => MonitoringPages.Models(response));

        // The static files, public as on Azure: code, no data (see StaticAssets).
        foreach (var folder in new[] { "css", "js", "lib" })
        {
            app.MapMethods($"/{folder}/{{**file}}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, string file) => StaticAssets.Serve(context, $"{folder}/{file}"));
        }

        return app;
    }

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
