using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Vinted.Monitoring.Pages;

/// <summary>One of the pages' static files: its bytes, content type and entity tag.</summary>
public sealed record StaticAsset(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The pages' static files (<c>wwwroot/</c>: the stylesheet, the page modules, the vendored plotly.js), embedded in this
/// assembly so both hosts serve the same bytes: the self-host and the Azure worker, whose deployment has no web root.
/// Public: they hold code, no data. Answered with an entity tag, so a browser revalidates and gets a 304 when nothing
/// changed.
/// </summary>
public static class StaticAssets
{
    private const string Root = "wwwroot/";

    private static readonly Lazy<FrozenDictionary<string, StaticAsset>> Assets = new(Load);

    /// <summary>The asset at a URL path such as <c>/js/run.js</c>, or null when there is none.</summary>
    public static StaticAsset? Find(string path) => Assets.Value.GetValueOrDefault(path.TrimStart('/'));

    /// <summary>The paths of every asset, without the leading slash (<c>css/site.css</c>).</summary>
    public static IEnumerable<string> Paths => Assets.Value.Keys;

    /// <summary>The asset with its validators, a 304 when the request's <c>If-None-Match</c> names it, or a 404 problem.</summary>
    public static IResult Serve(HttpContext context, string path)
    {
        if (Find(path) is not { } asset)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No file '/{path.TrimStart('/')}'");
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        // Revalidate each time: the files change with a deployment and carry no version in their names.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag == asset.ETag || tag == "*"))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, StaticAsset> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var assets = new Dictionary<string, StaticAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Root, StringComparison.Ordinal)))
        {
            var path = name[Root.Length..];
            var content = Read(assembly, name);
            var type = types.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal))
            {
                type += "; charset=utf-8";
            }

            var tag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\"").ToString();
            assets[path] = new StaticAsset(path, content, type, tag);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
