using System.Diagnostics;
using Vinted.Testing;

namespace Vinted.SelfHost.Tests;

public sealed class HostConfigurationTests
{
    [Theory]
    [InlineData("ConnectionStrings__Warehouse", "ConnectionStrings:Warehouse", "PostgreSql")]
    [InlineData("Functions__Keys__Admin", "Functions:Keys:Admin", "PostgreSql")]
    [InlineData("AzureWebJobsStorage", "AzureWebJobsStorage", "AzureStorage")]
    public async Task Serve_RequiredSettingMissing_FailsFastNamingTheSetting(string variable, string key, string backend)
    {
        var result = await FunctionHostProcess.RunToExitAsync(
            ["serve"],
            env =>
            {
                env.Remove(variable);
                env["DurableTask__Backend"] = backend;
            },
            TimeSpan.FromSeconds(60));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"'{key}'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(variable, result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>A setting present but malformed fails the start naming its key (exit 3), never an unhandled exception; secrets are not echoed.</summary>
    [Theory]
    [InlineData("ConnectionStrings__Warehouse", "Host=127.0.0.1;Port=notaport;Password=s3cr3t-value", "ConnectionStrings:Warehouse")]
    [InlineData("ConnectionStrings__Warehouse", "this is not a connection string", "ConnectionStrings:Warehouse")]
    [InlineData("AzureWebJobsStorage", "garbage;;=", "AzureWebJobsStorage")]
    [InlineData("AzureWebJobsStorage", "AccountName=x;BlobEndpoint=not-a-url", "AzureWebJobsStorage")]
    [InlineData("S3__ServiceUrl", "not a url", "S3:ServiceUrl")]
    [InlineData("Schedule__Cron", "61 * * * *", "Schedule:Cron")]
    [InlineData("Schedule__TimeZone", "Mars/Olympus_Mons", "Schedule:TimeZone")]
    [InlineData("Http__Urls", "htp:/nowhere", "Http:Urls")]
    [InlineData("VintedApi__Domains__pt__SiteBaseUrl", "relative/path", "VintedApi:Domains:pt:SiteBaseUrl")]
    public async Task Serve_SettingMalformed_FailsFastNamingTheSetting(string variable, string value, string key)
    {
        var result = await FunctionHostProcess.RunToExitAsync(["serve"], env => env[variable] = value, TimeSpan.FromSeconds(60));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"'{key}'", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", result.StandardError, StringComparison.Ordinal);
    }
}
