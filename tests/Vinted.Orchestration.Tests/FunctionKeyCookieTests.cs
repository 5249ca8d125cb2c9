using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Http.Security;

namespace Vinted.Orchestration.Tests;

public sealed class FunctionKeyCookieTests
{
    private const string DefaultKey = "default-key-0123456789";
    private const string AdminKey = "admin-key-0123456789ab";

    private static HttpContext Context(Action<HttpRequest> arrange)
    {
        var services = new ServiceCollection()
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new FunctionKeyOptions { Default = DefaultKey, Admin = AdminKey }))
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        arrange(context.Request);
        return context;
    }

    [Theory]
    [InlineData(DefaultKey, KeyLevel.Default)]
    [InlineData(AdminKey, KeyLevel.Admin)]
    [InlineData("wrong-key-0123456789", KeyLevel.None)]
    public void LevelOf_KeyInCookie_GrantsItsLevel(string cookie, KeyLevel expected) =>
        Assert.Equal(expected, FunctionKeys.LevelOf(Context(r => r.Headers.Cookie = $"{FunctionKeys.CookieName}={cookie}")));

    [Fact]
    public void LevelOf_HeaderAndCookie_HeaderWins()
    {
        var context = Context(r =>
        {
            r.Headers[FunctionKeys.HeaderName] = DefaultKey;
            r.Headers.Cookie = $"{FunctionKeys.CookieName}={AdminKey}";
        });

        Assert.Equal(KeyLevel.Default, FunctionKeys.LevelOf(context));
    }

    [Fact]
    public void LevelOf_OtherCookieOnly_None() =>
        Assert.Equal(KeyLevel.None, FunctionKeys.LevelOf(Context(r => r.Headers.Cookie = $"other={AdminKey}")));

    [Theory]
    [InlineData("", "", false)] // neither header: refused (every browser sends Origin on POST)
    [InlineData("http://127.0.0.1:7071", "", true)]
    [InlineData("HTTP://127.0.0.1:7071", "", true)]
    [InlineData("http://127.0.0.1:8080", "", false)] // another port of the same host: same-site, not same-origin
    [InlineData("https://127.0.0.1:7071", "", false)]
    [InlineData("null", "", false)]
    [InlineData("", "same-origin", true)]
    [InlineData("", "same-site", false)]
    [InlineData("", "cross-site", false)]
    [InlineData("http://127.0.0.1:7071", "cross-site", false)] // the browser's own verdict wins
    public void IsSameOrigin_OriginAndFetchSite_OnlyThisOrigin(string origin, string fetchSite, bool expected)
    {
        var context = Context(r =>
        {
            r.Scheme = "http";
            r.Host = new HostString("127.0.0.1", 7071);
            if (origin.Length > 0)
            {
                r.Headers.Origin = origin;
            }

            if (fetchSite.Length > 0)
            {
                r.Headers["Sec-Fetch-Site"] = fetchSite;
            }
        });

        Assert.Equal(expected, FunctionKeys.IsSameOrigin(context.Request));
    }

    [Theory]
    [InlineData("")]
    [InlineData("default-key-012345678")] // a prefix
    [InlineData("default-key-01234567890")] // one character more
    [InlineData("DEFAULT-KEY-0123456789")]
    public void LevelOf_NearMisses_None(string presented) =>
        Assert.Equal(KeyLevel.None, FunctionKeys.LevelOf(Context(_ => { }), presented));
}
