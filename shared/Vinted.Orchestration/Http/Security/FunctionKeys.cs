using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Vinted.Orchestration.Http.Security;

/// <summary>What a presented function key grants.</summary>
public enum KeyLevel
{
    None,
    Default,
    Admin,
}

/// <summary>Checks function keys on requests and endpoints.</summary>
public static class FunctionKeys
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    /// <summary>
    /// The cookie the monitoring pages set from a valid <c>?code=</c> on a page load, so that their links and
    /// their scripts' requests keep the key without carrying it in URLs. HttpOnly (no script reads it) and
    /// SameSite=Strict (no other site's page or form sends it, which is what keeps the admin actions safe
    /// from cross-site requests).
    /// </summary>
    public const string CookieName = "vinted-functions-key";

    /// <summary>The level the request's key grants (header, then <c>code</c> query, then cookie); keys are compared in constant time.</summary>
    public static KeyLevel LevelOf(HttpContext context) => LevelOf(context, Presented(context, out _));

    /// <summary>The key the request presents (header, then <c>code</c> query, then cookie); <paramref name="fromCookie"/> says whether only the cookie carried it.</summary>
    public static string? Presented(HttpContext context, out bool fromCookie)
    {
        fromCookie = false;
        string? presented = context.Request.Headers[HeaderName];
        if (string.IsNullOrEmpty(presented))
        {
            presented = context.Request.Query[QueryName];
        }

        if (string.IsNullOrEmpty(presented))
        {
            presented = context.Request.Cookies[CookieName];
            fromCookie = !string.IsNullOrEmpty(presented);
        }

        return presented;
    }

    /// <summary>
    /// Whether a request that changes state may use a key carried by the cookie: only when the browser says it comes
    /// from a page of this very origin (<c>Sec-Fetch-Site: same-origin</c>, or an <c>Origin</c> equal to this host's).
    /// SameSite=Strict is not enough: cookies ignore ports, so every service's page on the same host is same-site.
    /// A request with neither header is refused (fail closed): every browser sends Origin on POST and DELETE.
    /// </summary>
    public static bool IsSameOrigin(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
        }

        return site.Length > 0;
    }

    /// <summary>The level a key grants, whatever carried it.</summary>
    public static KeyLevel LevelOf(HttpContext context, string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return KeyLevel.None;
        }

        var keys = context.RequestServices.GetRequiredService<IOptions<FunctionKeyOptions>>().Value;

        // Both keys are always compared, on digests of equal length: the time taken says neither the key's length nor which key matched.
        var admin = Matches(presented, keys.Admin);
        var standard = Matches(presented, keys.Default);
        return admin ? KeyLevel.Admin : standard ? KeyLevel.Default : KeyLevel.None;
    }

    /// <summary>Refuses the endpoint's requests with 401 (no or wrong key) or 403 (key below <paramref name="level"/>).</summary>
    public static TBuilder RequireFunctionKey<TBuilder>(this TBuilder builder, KeyLevel level = KeyLevel.Default)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var granted = LevelOf(context, Presented(context, out var fromCookie));
            if (granted == KeyLevel.None)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Missing or invalid function key",
                    detail: $"Send a key in the '{HeaderName}' header or the '{QueryName}' query parameter.");
            }

            if (fromCookie && !IsSafe(context.Request.Method) && !IsSameOrigin(context.Request))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Cross-origin request refused",
                    detail: "A request that changes state and authenticates by the key cookie must come from a page of this origin (Origin or Sec-Fetch-Site); other callers send the key in the header.");
            }

            if (granted < level)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "This action needs the admin key");
            }

            return await next(invocation);
        });

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    /// <summary>
    /// Compares SHA-256 digests in constant time: <see cref="CryptographicOperations.FixedTimeEquals"/> returns at once
    /// on inputs of different lengths, which would tell a caller the key's length.
    /// </summary>
    internal static bool Matches(string presented, string expected)
    {
        var equal = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
        return equal & expected.Length > 0;
    }
}
