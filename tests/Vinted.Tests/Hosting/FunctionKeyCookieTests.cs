using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinted.Hosting.Security;

namespace Vinted.Tests.Hosting;

public sealed class FunctionKeyCookieTests
{
    private const string DefaultKey = "default-key-0123456789";
    private const string AdminKey = "admin-key-0123456789ab";

    private static HttpContext Context(Action<HttpRequest> arrange)
    {
        var services = new ServiceCollection()
            .AddSingleton(Options.Create(new FunctionKeyOptions { Default = DefaultKey, Admin = AdminKey }))
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
}
