using System.Diagnostics;
using Vinted.IntegrationTests.Infrastructure;

namespace Vinted.IntegrationTests.Foundation;

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
}
