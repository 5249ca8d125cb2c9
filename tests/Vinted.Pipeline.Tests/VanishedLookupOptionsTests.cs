using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinted.Settings;
using Vinted.Pipeline.Options;

namespace Vinted.Pipeline.Tests;

public sealed class VanishedLookupOptionsTests
{
    [Theory]
    [InlineData("MaxPerDomain", "-1")]
    [InlineData("MaxPerDomain", "100001")]
    [InlineData("BatchSize", "0")]
    public void AddSettings_OutOfRange_FailureNamesTheKey(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [$"VanishedLookup:{key}"] = value }));

        Assert.Contains(error.Failures, f => f.Contains($"'VanishedLookup:{key}'", StringComparison.Ordinal) && f.Contains($"VanishedLookup__{key}", StringComparison.Ordinal));
    }

    [Fact]
    public void AddSettings_Nothing_DefaultsAndZeroTurnsTheLookupOff()
    {
        Assert.Equal((200, 50), (Resolve([]).MaxPerDomain, Resolve([]).BatchSize));
        Assert.Equal(0, Resolve(new() { ["VanishedLookup:MaxPerDomain"] = "0" }).MaxPerDomain);
    }

    private static VanishedLookupOptions Resolve(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddSettings<VanishedLookupOptions>(VanishedLookupOptions.Section);
        return services.BuildServiceProvider().GetRequiredService<IOptions<VanishedLookupOptions>>().Value;
    }
}
