using System.Text.Json.Nodes;
using Vinted.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Vinted.Functions.Tests;

/// <summary>
/// infra/azure as `azd up` would deploy it, checked offline with the Bicep CLI from NuGet: it compiles and lints
/// clean, and the compiled template holds what the app needs on Flex Consumption. CI prints the resource list.
/// </summary>
public sealed class BicepTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Build_MainTemplate_CompilesWithoutDiagnostics_AndListsItsResources()
    {
        var template = await CompiledTemplate.MainAsync();

        Assert.Empty(template.Diagnostics);
        output.WriteLine($"infra/azure/main.bicep compiles to {template.Resources.Count} resources (module: type name):");
        foreach (var resource in template.Resources)
        {
            output.WriteLine($"  {resource.Module}: {resource.Type} {resource.Name}");
        }
    }

    [Fact]
    public async Task Lint_MainAndEveryModule_HaveNoFinding()
    {
        // Linting main.bicep reports the modules it uses too (with infra/azure/bicepconfig.json's rule levels); a module
        // file main.bicep does not use would escape, so there must be none.
        var directory = Repository.Path("infra", "azure");
        var main = await File.ReadAllTextAsync(Path.Combine(directory, "main.bicep"));
        foreach (var module in Directory.GetFiles(Path.Combine(directory, "app"), "*.bicep"))
        {
            Assert.Contains($"'app/{Path.GetFileName(module)}'", main, StringComparison.Ordinal);
        }

        Assert.Empty(await CompiledTemplate.LintAsync(Path.Combine(directory, "main.bicep")));
    }

    [Fact]
    public async Task Lint_FileWithAnUnusedParameter_IsReported()
    {
        // The check above could pass by never seeing a warning: this file must give one.
        var directory = Directory.CreateTempSubdirectory("vinted-bicep-");
        try
        {
            var file = Path.Combine(directory.FullName, "unused.bicep");
            await File.WriteAllTextAsync(file, "param unused string\n");

            Assert.Contains(await CompiledTemplate.LintAsync(file), f => f.Contains("no-unused-params", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task FunctionApp_IsFlexConsumptionLinuxDotnetIsolated10()
    {
        var template = await CompiledTemplate.MainAsync();
        var plan = Assert.Single(template.OfType("Microsoft.Web/serverfarms"));
        var app = Assert.Single(template.OfType("Microsoft.Web/sites"));

        Assert.Equal("FC1", plan.Json["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", plan.Json["sku"]!["tier"]!.GetValue<string>());
        Assert.True(plan.At("reserved")!.GetValue<bool>(), "a Flex Consumption plan is Linux (reserved)");
        Assert.Equal("functionapp,linux", app.Json["kind"]!.GetValue<string>());
        Assert.Equal("dotnet-isolated", app.At("functionAppConfig.runtime.name")!.GetValue<string>());
        Assert.Equal("10.0", app.At("functionAppConfig.runtime.version")!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", app.At("functionAppConfig.deployment.storage.authentication.type")!.GetValue<string>());
        // azd deploys the `api` service of azure.yaml to the app carrying this tag.
        Assert.Contains("'azd-service-name', 'api'", app.Json["tags"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaximumInstanceCount_IsOne_AndTheParameterRefusesMore()
    {
        // The Vinted rate limiter lives in the worker process: a second instance would double the request rate.
        var template = await CompiledTemplate.MainAsync();
        var parameter = template.Template["parameters"]!["maximumInstanceCount"]!;

        Assert.Equal(1, parameter["defaultValue"]!.GetValue<int>());
        Assert.Equal(1, parameter["maxValue"]!.GetValue<int>());
        var module = Assert.Single(template.OfType("Microsoft.Resources/deployments"), d => d.Name == "api");
        Assert.Equal("[parameters('maximumInstanceCount')]", module.At("parameters.maximumInstanceCount.value")!.GetValue<string>());
        var app = Assert.Single(template.OfType("Microsoft.Web/sites"));
        Assert.Equal("[parameters('maximumInstanceCount')]", app.At("functionAppConfig.scaleAndConcurrency.maximumInstanceCount")!.GetValue<string>());
    }

    [Fact]
    public async Task Storage_SharedKeysOff_AndTheIdentityHasBlobQueueAndTableRoles()
    {
        var template = await CompiledTemplate.MainAsync();
        var storage = Assert.Single(template.OfType("Microsoft.Storage/storageAccounts"));

        Assert.False(storage.At("allowSharedKeyAccess")!.GetValue<bool>());
        Assert.False(storage.At("allowBlobPublicAccess")!.GetValue<bool>());
        var rbac = Assert.Single(template.OfType("Microsoft.Resources/deployments"), d => d.Name == "rbac");
        var storageRoles = rbac.Json["properties"]!["template"]!["variables"]!["storageRoles"]!.AsArray().Select(r => r!.ToJsonString()).ToList();
        var roles = rbac.Json["properties"]!["template"]!["variables"]!["roles"]!.AsObject();
        foreach (var role in new[] { "storageBlobDataOwner", "storageQueueDataContributor", "storageTableDataContributor" })
        {
            Assert.Contains($"[variables('roles').{role}]", storageRoles.Select(r => JsonNode.Parse(r)!.GetValue<string>()));
            Assert.Matches("^[0-9a-f-]{36}$", roles[role]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task PostgresPassword_IsASecureParameter_KeptInKeyVault_InRbacMode()
    {
        var template = await CompiledTemplate.MainAsync();
        var vault = Assert.Single(template.OfType("Microsoft.KeyVault/vaults"));
        var secrets = template.OfType("Microsoft.KeyVault/vaults/secrets");

        Assert.Equal("securestring", template.Template["parameters"]!["postgresAdminPassword"]!["type"]!.GetValue<string>());
        Assert.True(vault.At("enableRbacAuthorization")!.GetValue<bool>());
        Assert.Contains(secrets, s => s.Name.Contains("'postgres-admin-password'", StringComparison.Ordinal));
        Assert.Contains(secrets, s => s.Name.Contains("'warehouse-connection-string'", StringComparison.Ordinal));
        Assert.Single(template.OfType("Microsoft.DBforPostgreSQL/flexibleServers/databases"));
        // azd fills the password: the existing secret, or a new random one on the first run.
        var parameters = JsonNode.Parse(await File.ReadAllTextAsync(Repository.Path("infra", "azure", "main.parameters.json")))!;
        Assert.StartsWith("$(secretOrRandomPassword ${AZURE_KEY_VAULT_NAME} postgres-admin-password)", parameters["parameters"]!["postgresAdminPassword"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppSettings_UseDoubleUnderscores_IdentityStorage_KeyVaultReferences_AndNoWorkerRuntime()
    {
        var settings = (await CompiledTemplate.MainAsync()).AppSettings();

        // Flex Consumption takes the runtime from functionAppConfig.runtime and refuses these settings.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings.Keys);
        Assert.DoesNotContain("WEBSITE_TIME_ZONE", settings.Keys);
        Assert.DoesNotContain(settings.Keys, k => k.Contains(':', StringComparison.Ordinal));
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            Assert.Contains($"AzureWebJobsStorage__{service}ServiceUri", settings.Keys);
        }

        Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0})'", settings["ConnectionStrings__Warehouse"], StringComparison.Ordinal);
        Assert.DoesNotContain(settings.Values, v => v.Contains("Password", StringComparison.OrdinalIgnoreCase));
    }
}
