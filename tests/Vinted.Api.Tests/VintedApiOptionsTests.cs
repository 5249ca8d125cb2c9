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
}
