using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinted.Api.Options;

namespace Vinted.Api.Tests;

public sealed class VintedApiOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddVintedClient();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddVintedClient_HostJsonSection_BindsDomainsWithDefaults()
    {
        using var provider = Build(new()
        {
            ["VintedApi:Domains:pt:CatalogEndpoint"] = "Legacy",
            ["VintedApi:Domains:pt:RequestsPerSecond"] = "2.5",
            ["VintedApi:Domains:uk:Tld"] = "co.uk",
        });
        var options = provider.GetRequiredService<IOptions<VintedApiOptions>>().Value;
        Assert.Equal(CatalogEndpointEra.Legacy, options.For("pt").CatalogEndpoint);
        Assert.Equal(2.5, options.For("pt").RequestsPerSecond);
        Assert.Equal(new Uri("https://www.vinted.co.uk"), options.For("uk").SiteBaseFor("uk"));
        Assert.Equal(new Uri("https://api.vinted.co.uk"), options.For("uk").ApiBaseFor("uk"));
        Assert.Equal(new Uri("https://api.vinted.fr"), options.For("fr").ApiBaseFor("fr"));
        Assert.Same(provider.GetRequiredService<VintedClient>(), provider.GetRequiredService<IVintedClient>());
    }

    [Fact]
    public void AddVintedClient_InvalidDomainSetting_FailsNamingTheKey()
    {
        using var provider = Build(new() { ["VintedApi:Domains:pt:RequestsPerSecond"] = "0" });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VintedApiOptions>>().Value);
        Assert.Contains("VintedApi:Domains:pt:RequestsPerSecond", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://user:hunter2-secret@127.0.0.1:3128", "VintedApi:Domains:pt:Proxies:0:Url")] // credentials belong in their own settings
    [InlineData("ftp://127.0.0.1:21", "VintedApi:Domains:pt:Proxies:0:Url")]
    [InlineData("not a url", "VintedApi:Domains:pt:Proxies:0:Url")]
    public void AddVintedClient_MalformedProxy_FailsNamingTheKeyWithoutTheSecret(string url, string key)
    {
        using var provider = Build(new() { ["VintedApi:Domains:pt:Proxies:0:Url"] = url });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VintedApiOptions>>().Value);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVintedClient_ProxyWithCredentials_BindsAndNamesItWithoutThem()
    {
        using var provider = Build(new()
        {
            ["VintedApi:Domains:pt:Proxies:0:Url"] = "socks5://127.0.0.1:1080",
            ["VintedApi:Domains:pt:Proxies:0:Username"] = "u",
            ["VintedApi:Domains:pt:Proxies:0:Password"] = "hunter2-secret",
        });
        var proxy = Assert.Single(provider.GetRequiredService<IOptions<VintedApiOptions>>().Value.For("pt").Proxies);
        Assert.Equal("socks5://127.0.0.1:1080", proxy.Name);
        Assert.Equal("hunter2-secret", proxy.Password);
    }
}
