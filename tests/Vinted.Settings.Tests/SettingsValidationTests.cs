using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinted.Settings;

namespace Vinted.Settings.Tests;

public sealed class SettingsValidationTests
{
    [Fact]
    public void AddSettings_MissingRequiredKey_FailureNamesKeyAndEnvironmentVariable()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Store:Bucket"] = "raw" }));

        var failure = Assert.Single(error.Failures);
        Assert.Contains("'Store:ServiceUrl'", failure, StringComparison.Ordinal);
        Assert.Contains("Store__ServiceUrl", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSettings_InvalidNestedValue_FailureNamesNestedKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Store:ServiceUrl"] = "http://127.0.0.1:1",
            ["Store:Domains:pt:RequestsPerSecond"] = "0",
        }));

        Assert.Contains(error.Failures, f => f.Contains("'Store:Domains:pt:RequestsPerSecond'", StringComparison.Ordinal));
    }

    [Fact]
    public void AddSettings_CompleteSettings_Bind()
    {
        var options = Resolve(new() { ["Store:ServiceUrl"] = "http://127.0.0.1:1", ["Store:Domains:pt:RequestsPerSecond"] = "2" });

        Assert.Equal(2, options.Domains["pt"].RequestsPerSecond);
    }

    private static StoreSettings Resolve(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddSettings<StoreSettings>("Store");
        return services.BuildServiceProvider().GetRequiredService<IOptions<StoreSettings>>().Value;
    }

    private sealed class StoreSettings
    {
        [Required]
        public string ServiceUrl { get; set; } = "";

        public Dictionary<string, DomainSettings> Domains { get; set; } = [];
    }

    private sealed class DomainSettings
    {
        [Range(1, 100)]
        public int RequestsPerSecond { get; set; } = 1;
    }
}
