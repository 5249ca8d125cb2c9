using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vinted.Monitoring.Pages;

namespace Vinted.Monitoring.Tests;

/// <summary>
/// The pages both hosts serve from Vinted.Monitoring: the static files embedded byte for byte, every file a page
/// refers to present, the answers' validators and headers.
/// </summary>
public sealed partial class PagesTests
{
    private static readonly string WebRoot =
        typeof(PagesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WebRoot").Value!;

    [Fact]
    public void Assets_AreTheSourceFiles_ByteForByte()
    {
        var files = Directory.EnumerateFiles(WebRoot, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(WebRoot, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(files, StaticAssets.Paths.Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(WebRoot, file)), StaticAssets.Find("/" + file)!.Content);
        }
    }

    [Fact]
    public void Pages_EveryScriptAndStylesheetTheyReferTo_IsAnAsset()
    {
        var response = new DefaultHttpContext().Response;
        var pages = new[] { MonitoringPages.Runs(response), MonitoringPages.Run(response, "r1"), MonitoringPages.Insights(response), MonitoringPages.Models(response) };
        var modules = StaticAssets.Paths.Where(p => p.StartsWith("js/", StringComparison.Ordinal)).Select(p => StaticAssets.Find(p)!).ToList();

        var referred = pages.SelectMany(p => LocalReference().Matches(p.ResponseContent!).Select(m => m.Groups[1].Value))
            // The page modules' imports (./common.js), relative to /js/.
            .Concat(modules.SelectMany(m => ModuleImport().Matches(System.Text.Encoding.UTF8.GetString(m.Content)).Select(i => "/js/" + i.Groups[1].Value)))
            .Distinct().ToList();

        Assert.Contains("/css/site.css", referred);
        Assert.Contains("/lib/plotly/plotly.min.js", referred);
        Assert.All(referred, path => Assert.True(StaticAssets.Find(path) is not null, $"{path} is referred to but not embedded"));
    }

    [Fact]
    public void RunPage_EncodesTheId_AndForbidsCachingAndForeignScripts()
    {
        var context = new DefaultHttpContext();

        var page = MonitoringPages.Run(context.Response, "a\"<b>");

        Assert.Contains("data-run-id=\"a&quot;&lt;b&gt;\"", page.ResponseContent);
        Assert.DoesNotContain("<b>", page.ResponseContent);
        Assert.Equal("no-store", context.Response.Headers.CacheControl);
        Assert.StartsWith("default-src 'self'", context.Response.Headers.ContentSecurityPolicy.ToString());
    }

    [Fact]
    public async Task Serve_AFile_WithItsTypeAndTag_ThenNotModifiedForThatTag()
    {
        var first = await ExecuteAsync("js/common.js", ifNoneMatch: null);

        Assert.Equal(200, first.Response.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", first.Response.ContentType);
        var tag = first.Response.Headers.ETag.ToString();
        Assert.Matches("^\"[0-9a-f]{32}\"$", tag);
        Assert.Equal(StaticAssets.Find("js/common.js")!.Content, first.Body);

        var again = await ExecuteAsync("js/common.js", tag);
        Assert.Equal(304, again.Response.StatusCode);
        Assert.Empty(again.Body);

        var changed = await ExecuteAsync("js/common.js", "\"0000\"");
        Assert.Equal(200, changed.Response.StatusCode);
    }

    [Theory]
    [InlineData("js/missing.js")]
    [InlineData("js/../../Vinted.Monitoring.csproj")]
    [InlineData("css")]
    public async Task Serve_NoSuchFile_Is404(string path)
    {
        var answer = await ExecuteAsync(path, ifNoneMatch: null);

        Assert.Equal(404, answer.Response.StatusCode);
        Assert.StartsWith("application/problem+json", answer.Response.ContentType);
    }

    private static async Task<(HttpResponse Response, byte[] Body)> ExecuteAsync(string path, string? ifNoneMatch)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).AddOptions().AddProblemDetails().BuildServiceProvider(),
        };
        using var body = new MemoryStream();
        context.Response.Body = body;
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        await StaticAssets.Serve(context, path).ExecuteAsync(context);
        return (context.Response, body.ToArray());
    }

    [GeneratedRegex("(?:src|href)=\"(/(?:css|js|lib)/[^\"]+)\"")]
    private static partial Regex LocalReference();

    [GeneratedRegex("""from '\./([^']+)'""")]
    private static partial Regex ModuleImport();
}
