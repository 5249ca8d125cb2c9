using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vinted.Simulator.Market;

namespace Vinted.Simulator.Http;

/// <summary>
/// The simulator's HTTP surface: the site's home page, the catalog and seller endpoints, and the <c>/__sim</c>
/// admin endpoints. Site and API share one origin; a path may start with a domain key (<c>/fr/svc-catalogue/items</c>)
/// to address that country's marketplace, so one simulator serves every domain a client is configured for.
/// </summary>
public static class SimulatorApi
{
    private const string DomainItem = "sim.domain";

    private static readonly byte[] NotFoundHtml = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>404</title></head><body>Page not found</body></html>");

    /// <summary>Registers the marketplace, the runtime state and the session authority for <paramref name="options"/>.</summary>
    public static IServiceCollection AddVintedSimulator(this IServiceCollection services, SimulatorOptions options)
    {
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        Validator.ValidateObject(options.Faults, new ValidationContext(options.Faults), validateAllProperties: true);
        services.AddSingleton(options);
        services.AddSingleton(new Marketplace(options));
        services.AddSingleton(new SimulatorState(options));
        services.AddSingleton(sp => new SessionAuthority(sp.GetRequiredService<SimulatorState>()));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Adds the domain-prefix middleware and maps every endpoint.</summary>
    public static WebApplication UseVintedSimulator(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            var path = context.Request.Path.Value ?? "/";
            var end = path.IndexOf('/', 1);
            var first = end < 0 ? path[1..] : path[1..end];
            if (Marketplace.Domains.Contains(first))
            {
                context.Items[DomainItem] = first;
                context.Request.PathBase = context.Request.PathBase.Add("/" + first);
                context.Request.Path = end < 0 ? "/" : path[end..];
            }

            return next(context);
        });
        app.Use(async (context, next) =>
        {
            var state = context.RequestServices.GetRequiredService<SimulatorState>();
            var faults = state.Faults;
            var blocked = faults.BlockedAddresses;
            var apiCall = context.Request.Path != "/";
            if (blocked.Count > 0 && !context.Request.Path.StartsWithSegments("/__sim")
                && context.Connection.RemoteIpAddress is { } address && blocked.Contains(address.MapToIPv4().ToString(), StringComparer.Ordinal))
            {
                state.Increment("faults:blocked_address");
                state.Increment($"blocked:from:{address.MapToIPv4()}");
                await BlockResponses.WriteAsync(context, faults, apiCall);
                return;
            }

            if (faults.BlockedDomains.Count > 0 && !context.Request.Path.StartsWithSegments("/__sim")
                && faults.BlockedDomains.Contains(DomainOf(context, context.RequestServices.GetRequiredService<SimulatorOptions>()), StringComparer.Ordinal))
            {
                state.Increment("faults:blocked_domain");
                await BlockResponses.WriteAsync(context, faults, apiCall);
                return;
            }

            await next(context);
        });
        app.UseRouting();

        app.MapMethods("/", ["GET", "HEAD"], HomePage);
        app.MapGet("/svc-catalogue/items", context => ServeAsync(context, SimEndpoint.CatalogCurrent, null));
        app.MapGet("/api/v2/catalog/items", context => ServeAsync(context, SimEndpoint.CatalogLegacy, null));
        app.MapGet("/api/v2/users/{id:long}/items", (HttpContext context, long id) => ServeAsync(context, SimEndpoint.SellerUsers, id));
        app.MapGet("/api/v2/wardrobe/{id:long}/items", (HttpContext context, long id) => ServeAsync(context, SimEndpoint.SellerWardrobe, id));
        app.MapGet("/items/{slug}", ItemPageAsync);
        app.MapSimulatorAdmin();
        return app;
    }

    internal enum SimEndpoint
    {
        CatalogCurrent,
        CatalogLegacy,
        SellerUsers,
        SellerWardrobe,
    }

    internal static string DomainOf(HttpContext context, SimulatorOptions options) =>
        context.Items[DomainItem] as string ?? options.DefaultDomain;

    internal static DateOnly DateOf(HttpContext context, SimulatorState state)
    {
        var text = context.Request.Query["sim_date"].ToString() is { Length: > 0 } q ? q : context.Request.Headers["X-Sim-Date"].ToString();
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : state.Date;
    }

    private static Task HomePage(HttpContext context)
    {
        var sessions = context.RequestServices.GetRequiredService<SessionAuthority>();
        var options = context.RequestServices.GetRequiredService<SimulatorOptions>();
        var domain = DomainOf(context, options);
        var (access, refresh, anon) = sessions.Issue();
        var headers = context.Response.Headers;
        headers.Append("Set-Cookie", $"access_token_web={access}; path=/; max-age=7200; secure; httponly; samesite=lax");
        headers.Append("Set-Cookie", $"refresh_token_web={refresh}; path=/; max-age=604800; secure; httponly; samesite=lax");
        headers.Append("Set-Cookie", $"anon_id={anon}; path=/; secure; samesite=lax");
        headers.Append("Set-Cookie", $"_vinted_{domain}_session=sim{anon[..8]}; path=/; secure; httponly");
        headers["x-anon-id"] = anon;
        context.Response.ContentType = "text/html; charset=utf-8";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.WriteAsync($"<!DOCTYPE html><html lang=\"{domain}\"><head><title>Vinted simulator ({domain})</title></head><body></body></html>");
    }

    private static async Task ServeAsync(HttpContext context, SimEndpoint endpoint, long? sellerId)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<SimulatorOptions>();
        var state = services.GetRequiredService<SimulatorState>();
        var market = services.GetRequiredService<Marketplace>();
        var domain = DomainOf(context, options);
        var date = DateOf(context, state);
        state.Increment("requests");
        state.Increment($"requests:{endpoint}");
        state.Increment($"requests:from:{context.Connection.RemoteIpAddress?.MapToIPv4()}");

        if (endpoint == SimEndpoint.CatalogLegacy && options.Era == SimulatorEra.Current)
        {
            await WriteAsync(context, 404, "application/json; charset=utf-8", """{"code":104,"message":"Content not found","message_code":"not_found"}"""u8.ToArray());
            return;
        }

        if (endpoint == SimEndpoint.CatalogCurrent && options.Era == SimulatorEra.Legacy)
        {
            await WriteAsync(context, 404, "text/html; charset=utf-8", NotFoundHtml);
            return;
        }

        var requestKey = $"{domain}|{context.Request.Path}|{context.Request.QueryString}|{date:yyyy-MM-dd}";
        var fault = FaultInjector.Decide(state, requestKey, out var attempt);
        var faults = state.Faults;
        if (faults.LatencyMs > 0)
        {
            await Task.Delay(faults.LatencyMs, context.RequestAborted);
        }

        switch (fault)
        {
            case FaultKind.ConnectionReset:
                context.Abort();
                return;
            case FaultKind.RateLimited:
                context.Response.Headers.RetryAfter = faults.RetryAfterAsDate
                    ? services.GetRequiredService<TimeProvider>().GetUtcNow().AddSeconds(faults.RetryAfterSeconds + 1).ToString("R", CultureInfo.InvariantCulture)
                    : faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteAsync(context, 429, "application/json; charset=utf-8", """{"code":429,"message":"Too many requests"}"""u8.ToArray());
                return;
            case FaultKind.ServerError:
                var status = (attempt % 3) switch { 0 => 500, 1 => 502, _ => 503 };
                await WriteAsync(context, status, "text/html; charset=utf-8", Encoding.UTF8.GetBytes($"<html><body>{status}</body></html>"));
                return;
            case FaultKind.AntiBot:
                await BlockResponses.WriteAsync(context, faults, apiCall: true);
                return;
        }

        var sessions = services.GetRequiredService<SessionAuthority>();
        var bearer = endpoint == SimEndpoint.CatalogCurrent;
        var token = bearer
            ? context.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null
            : context.Request.Cookies["access_token_web"];
        var anonHeader = context.Request.Headers["X-Anon-Id"].ToString();
        if (bearer && anonHeader.Length == 0 || sessions.Check(token, bearer ? anonHeader : null) is not null)
        {
            state.Increment("unauthorized");
            await WriteAsync(context, 401, "application/json; charset=utf-8",
                """{"code":100,"message":"Jeton d'authentification invalide","message_code":"invalid_authentication_token"}"""u8.ToArray());
            return;
        }

        var generator = market.Generator(domain);
        var query = sellerId is { } seller
            ? QueryReader.Seller(context.Request.Query, seller)
            : QueryReader.Catalog(context.Request.Query, currentNames: bearer);
        var page = Math.Max(1, QueryReader.Int(context.Request.Query, "page", 1));
        var perPage = Math.Clamp(QueryReader.Int(context.Request.Query, "per_page", options.DefaultPerPage), 1, 96);
        var result = market.Search(generator, query, Marketplace.SnapshotOf(date));
        if (query.Order == SimOrder.Relevance)
        {
            // Relevance is re-ranked on every call (issue 22): two pages of one search are not cut from one order.
            result = Reshuffled(result, Hash.Of((ulong)options.Seed, state.NextCall("relevance"), 77));
        }

        var shape = new PageShape(sellerId is null, fault != FaultKind.MissingPagination, faults.StringPriceFraction, (ulong)options.Seed, faults.BadItemFraction)
        {
            // A soft block answers 200 with no items in the middle of a search: never page 1, never a seller's pages.
            Empty = fault == FaultKind.EmptyPage && sellerId is null && page > 1,
            CardOnlyFraction = faults.CardOnlyFraction,
            PromotedPerPage = sellerId is null ? faults.PromotedPerPage : 0,
        };
        var body = PageWriter.Write(generator, result, page, perPage, shape);
        body = fault switch
        {
            FaultKind.TruncatedBody => body[..(body.Length / 2)],
            FaultKind.MalformedJson => Encoding.UTF8.GetBytes("{\"items\":[{\"id\":" + "NaN,,}" + "\n<!-- upstream error -->"),
            _ => body,
        };
        await WriteAsync(context, 200, "application/json; charset=utf-8", body);
    }

    /// <summary>
    /// The public item page, <c>/items/{id}</c> or <c>/items/{id}-{slug}</c>: a document, served without a session as on the
    /// site; up (for sale, or marked sold) or 404 (unknown, not listed yet, withdrawn), per <see cref="Marketplace.ExitOf"/>.
    /// </summary>
    private static async Task ItemPageAsync(HttpContext context, string slug)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<SimulatorOptions>();
        var state = services.GetRequiredService<SimulatorState>();
        var market = services.GetRequiredService<Marketplace>();
        var domain = DomainOf(context, options);
        var date = DateOf(context, state);
        state.Increment("requests");
        state.Increment("requests:ItemPage");
        var digits = slug.IndexOf('-', StringComparison.Ordinal) is var dash and > 0 ? slug[..dash] : slug;
        var generator = market.Generator(domain);
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || generator.IndexOf(id) is not { } index || market.ExitOf(domain, id) is not { } exit)
        {
            await WriteAsync(context, 404, "text/html; charset=utf-8", ItemPageWriter.NotFound);
            return;
        }

        if (Hash.Unit(Hash.Of((ulong)options.Seed, id, 97)) < state.Faults.ItemPageAntiBotRate)
        {
            state.Increment("faults:item_page_anti_bot");
            // The item page is a document: a block answers it as the anti-bot layer answers a page load.
            await BlockResponses.WriteAsync(context, state.Faults, apiCall: false);
            return;
        }

        var instant = Marketplace.SnapshotOf(date);
        var listing = generator.Get(index);
        var page = ItemPageWriter.StateOf(listing, exit, instant);
        state.Increment($"item_pages:{page}");
        if (page == ItemPageState.NotFound)
        {
            await WriteAsync(context, 404, "text/html; charset=utf-8", ItemPageWriter.NotFound);
            return;
        }

        await WriteAsync(context, 200, "text/html; charset=utf-8", ItemPageWriter.Write(Marketplace.Describe(generator, listing, instant), page));
    }

    private static SearchResult Reshuffled(SearchResult result, ulong seed)
    {
        var indices = (long[])result.Indices.Clone();
        for (var n = indices.Length - 1; n > 0; n--)
        {
            var k = (int)(Hash.Of(seed, n, 78) % (ulong)(n + 1));
            (indices[n], indices[k]) = (indices[k], indices[n]);
        }

        return result with { Indices = indices };
    }

    private static Task WriteAsync(HttpContext context, int status, string contentType, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
