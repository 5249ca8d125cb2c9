using System.Diagnostics;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Vinted.Api;
using Vinted.Functions.Azure;
using Vinted.Functions.Tests.Infrastructure;

namespace Vinted.Functions.Tests;

/// <summary>
/// The Azure worker's OpenTelemetry: with Application Insights' connection string (as the Bicep template sets it) the
/// worker traces the product's sources and exports the product's meters; without one nothing is registered. The
/// ingestion endpoint here is a closed local port, and the exporter's own usage statistics are off, so nothing leaves
/// the machine.
/// </summary>
public sealed class AzureTelemetryTests
{
    /// <summary>A connection string of the component's shape whose ingestion endpoint is a closed port of this machine.</summary>
    internal const string LocalConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    static AzureTelemetryTests() => Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "true");

    [Fact]
    public void WithAConnectionString_TheProductsSourcesAreTraced_AndItsMetersExported()
    {
        using var worker = new WorkerHost(new Dictionary<string, string> { [AzureTelemetry.ConnectionStringKey] = LocalConnectionString });

        Assert.NotNull(worker.Services.GetService<MeterProvider>());
        Assert.NotNull(worker.Services.GetService<TracerProvider>());
        using var source = new ActivitySource(VintedTelemetry.Name);
        using var activity = source.StartActivity("page");
        Assert.NotNull(activity);
    }

    [Fact]
    public void WithoutAConnectionString_NothingIsRegistered()
    {
        using var worker = new WorkerHost(new Dictionary<string, string>());

        Assert.Null(worker.Services.GetService<MeterProvider>());
        Assert.Null(worker.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("ClientId=00000000-0000-0000-0000-000000000001;Authorization=AAD")]
    [InlineData("Authorization=aad")]
    public void Credential_AAD_IsTheManagedIdentity(string authentication) =>
        Assert.IsType<ManagedIdentityCredential>(AzureTelemetry.Credential(authentication));

    [Fact]
    public void Credential_None_IsTheConnectionStringAlone() => Assert.Null(AzureTelemetry.Credential(null));

    [Theory]
    [InlineData("ClientId=00000000-0000-0000-0000-000000000001")]
    [InlineData("Authorization")]
    [InlineData("Authorization=Basic")]
    public void Credential_Malformed_NamesTheSetting(string authentication)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AzureTelemetry.Credential(authentication));
        Assert.Contains(AzureTelemetry.AuthenticationStringKey, error.Message);
    }
}
