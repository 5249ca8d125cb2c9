using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Vinted.Functions.Azure;
using Vinted.Functions.Tests.Infrastructure;
using Vinted.RawZone;
using Xunit.Abstractions;

namespace Vinted.Functions.Tests;

/// <summary>
/// The app settings of infra/azure are exactly the settings the app requires: the worker starts with them alone
/// (host.json plus dummy values of the template's settings; every options class resolves and validates), each
/// worker setting is needed (without it a class fails validation), and the rest is read by the Functions host or an
/// Azure SDK, for a reason written here.
/// </summary>
public sealed class AppSettingsTests(ITestOutputHelper output)
{
    /// <summary>Read by the Functions host, the platform or the Azure SDK, not by the app's options classes.</summary>
    private static readonly Dictionary<string, string> HostSettings = new()
    {
        ["AzureWebJobsStorage__credential"] = "the host's storage (task hub, timer schedule) by identity",
        ["AzureWebJobsStorage__clientId"] = "which identity: the app has only the user-assigned one",
        ["AzureWebJobsStorage__blobServiceUri"] = "leases, large payloads, timer schedule, deployment",
        ["AzureWebJobsStorage__queueServiceUri"] = "the Durable extension's control and work-item queues",
        ["AzureWebJobsStorage__tableServiceUri"] = "the Durable extension's history and instance tables",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "the host's telemetry, and the worker's traces and metrics when set (AzureTelemetry)",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "telemetry sent with the identity (the component refuses local authentication), by the host and the worker",
        ["AZURE_CLIENT_ID"] = "the identity Azure.Identity's DefaultAzureCredential picks in the worker (the Blob object store)",
    };

    /// <summary>
    /// Keys a developer sets only in local.settings.json: what `func start` needs where no platform sets it, and the
    /// object store reached with Azurite's connection string where Azure uses the identity.
    /// </summary>
    private static readonly string[] LocalOnlySettings = ["FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage", "ObjectStore__ConnectionString"];

    [Fact]
    public async Task Worker_WithOnlyTheTemplatesSettings_ResolvesEveryOptionsClass()
    {
        using var worker = new WorkerHost(Dummies(await TemplateSettingsAsync()));

        Assert.Contains(typeof(Vinted.Platform.Postgres.PostgresOptions), worker.OptionsTypes);
        foreach (var type in worker.OptionsTypes)
        {
            worker.Resolve(type);
            output.WriteLine($"resolved {type.FullName}");
        }
    }

    [Fact]
    public async Task EveryWorkerSetting_IsRequired_AndTheOthersAreReadByTheHost()
    {
        var settings = await TemplateSettingsAsync();
        Assert.Subset(settings.Keys.ToHashSet(), HostSettings.Keys.ToHashSet());
        var workerKeys = settings.Keys.Except(HostSettings.Keys).ToList();
        Assert.NotEmpty(workerKeys);

        foreach (var key in workerKeys)
        {
            using var worker = new WorkerHost(Dummies(settings.Where(s => s.Key != key).ToDictionary()));
            var failures = worker.OptionsTypes.Select(type => Failure(worker, type)).OfType<string>().ToList();

            Assert.True(failures.Exists(f => f.Contains(key, StringComparison.Ordinal)), $"Nothing needs the app setting {key}: the worker starts without it.");
            output.WriteLine($"{key}: required ({failures.First(f => f.Contains(key, StringComparison.Ordinal))})");
        }
    }

    [Fact]
    public async Task LocalSettingsSample_HoldsOnlyKeysTheHostOrTheWorkerReads_AndTheWorkerStartsWithThem()
    {
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(Repository.Path("local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var template = await TemplateSettingsAsync();

        Assert.Empty(sample.Keys.Except(template.Keys).Except(LocalOnlySettings));
        using var worker = new WorkerHost(sample);
        foreach (var type in worker.OptionsTypes)
        {
            worker.Resolve(type);
        }
    }

    private static async Task<IReadOnlyDictionary<string, string>> TemplateSettingsAsync() => (await CompiledTemplate.MainAsync()).AppSettings();

    /// <summary>
    /// A value of the right shape for each setting: a literal of the template as it is, an ARM expression (resolved at
    /// deployment, or a Key Vault reference resolved by the platform) replaced by a dummy.
    /// </summary>
    private static Dictionary<string, string> Dummies(IReadOnlyDictionary<string, string> settings) =>
        settings.ToDictionary(s => s.Key, s => !s.Value.StartsWith('[') ? s.Value : s.Key switch
        {
            AzureTelemetry.ConnectionStringKey => AzureTelemetryTests.LocalConnectionString,
            AzureTelemetry.AuthenticationStringKey => "ClientId=00000000-0000-0000-0000-000000000001;Authorization=AAD",
            "ConnectionStrings__Warehouse" => "Host=psql-dummy.postgres.database.azure.com;Port=5432;Database=vinted;Username=vintedadmin;Password=dummy;SSL Mode=Require",
            _ when s.Key.EndsWith("Uri", StringComparison.Ordinal) => "https://stdummy.blob.core.windows.net/",
            _ when s.Key.EndsWith("clientId", StringComparison.OrdinalIgnoreCase) || s.Key == "AZURE_CLIENT_ID" => "00000000-0000-0000-0000-000000000001",
            _ => "dummy",
        });

    private static string? Failure(WorkerHost worker, Type type)
    {
        try
        {
            worker.Resolve(type);
            return null;
        }
        catch (TargetInvocationException e) when (e.InnerException is OptionsValidationException validation)
        {
            return validation.Message;
        }
    }
}
