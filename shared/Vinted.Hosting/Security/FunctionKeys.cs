using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Vinted.Hosting.Security;

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
    public static KeyLevel LevelOf(HttpContext context)
    {
        string? presented = context.Request.Headers[HeaderName];
        if (string.IsNullOrEmpty(presented))
        {
            presented = context.Request.Query[QueryName];
        }

        if (string.IsNullOrEmpty(presented))
        {
            presented = context.Request.Cookies[CookieName];
        }

        return LevelOf(context, presented);
    }

    /// <summary>The level a key grants, whatever carried it.</summary>
    public static KeyLevel LevelOf(HttpContext context, string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return KeyLevel.None;
        }

        var keys = context.RequestServices.GetRequiredService<IOptions<FunctionKeyOptions>>().Value;
        if (Matches(presented, keys.Admin))
        {
            return KeyLevel.Admin;
        }

        return Matches(presented, keys.Default) ? KeyLevel.Default : KeyLevel.None;
    }

    /// <summary>Refuses the endpoint's requests with 401 (no or wrong key) or 403 (key below <paramref name="level"/>).</summary>
    public static TBuilder RequireFunctionKey<TBuilder>(this TBuilder builder, KeyLevel level = KeyLevel.Default)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var granted = LevelOf(invocation.HttpContext);
            if (granted == KeyLevel.None)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Missing or invalid function key",
                    detail: $"Send a key in the '{HeaderName}' header or the '{QueryName}' query parameter.");
            }

            if (granted < level)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "This action needs the admin key");
            }

            return await next(invocation);
        });

    private static bool Matches(string presented, string expected) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
