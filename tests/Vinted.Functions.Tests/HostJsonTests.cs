using System.Text.Json.Nodes;
using Vinted.Functions.Tests.Infrastructure;

namespace Vinted.Functions.Tests;

/// <summary>host.json as the Functions host reads it on Flex Consumption.</summary>
public sealed class HostJsonTests
{
    /// <summary>
    /// Flex Consumption allows any <c>functionTimeout</c>, but guarantees a running execution only 60 minutes when it
    /// scales in or updates the app; an activity running longer may be cut and retried. Consumption would cap it at 10.
    /// </summary>
    private static readonly TimeSpan FlexGuaranteedExecution = TimeSpan.FromMinutes(60);

    /// <summary>The storage providers the Durable extension registers itself (the others need their own packages).</summary>
    private static readonly string[] BuiltInProviders = ["AzureStorage"];

    private static readonly JsonNode HostJson = JsonNode.Parse(File.ReadAllText(Repository.Path("host.json")))!;

    [Fact]
    public void Version_IsTwo() => Assert.Equal("2.0", HostJson["version"]!.GetValue<string>());

    [Fact]
    public void ExtensionBundle_IsAbsent()
    {
        // The isolated worker brings its extensions in the build (extensions.json); a bundle would load a second set.
        Assert.Null(HostJson["extensionBundle"]);
    }

    [Fact]
    public void DurableStorageProvider_IsOneTheExtensionSupports()
    {
        var provider = HostJson["extensions"]!["durableTask"]!["storageProvider"]!;

        Assert.Contains(provider["type"]!.GetValue<string>(), BuiltInProviders, StringComparer.OrdinalIgnoreCase);
        // Identity-based AzureWebJobsStorage__* settings, not a connection string of its own.
        Assert.Null(provider["connectionName"]);
        Assert.Null(provider["connectionStringName"]);
    }

    [Fact]
    public void FunctionTimeout_FitsFlexConsumption()
    {
        var timeout = TimeSpan.Parse(HostJson["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.InRange(timeout, TimeSpan.FromMinutes(1), FlexGuaranteedExecution);
    }
}
