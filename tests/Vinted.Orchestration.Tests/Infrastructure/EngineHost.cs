using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Engine;
using Vinted.Orchestration.Options;

namespace Vinted.Orchestration.Tests.Infrastructure;

/// <summary>
/// A plain host running the engine (<c>services.AddDurableTaskEngine()</c>) in its own task hub, on PostgreSQL (the
/// default backend) or Azurite.
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EngineHost(IHost host, string hubName)
    {
        _host = host;
        HubName = hubName;
    }

    public string HubName { get; }

    public IServiceProvider Services => _host.Services;

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    public EngineStore Store => Services.GetRequiredService<EngineStore>();

    public InstanceHistory History => Services.GetRequiredService<InstanceHistory>();

    /// <summary>Starts a host; <paramref name="settings"/> are added on top of the stack's storage, the backend and the hub name.</summary>
    public static async Task<EngineHost> StartAsync(
        string hubName,
        Action<DurableTaskEngineBuilder> register,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        EngineBackend backend = EngineBackend.PostgreSql)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = LocalStack.Instance.AzureWebJobsStorage,
            ["ConnectionStrings:Warehouse"] = LocalStack.Instance.ConnectionString,
            ["DurableTask:Backend"] = backend.ToString(),
            ["DurableTask:HubName"] = hubName,
            ["DurableTask:MaxQueuePollingInterval"] = "00:00:00.500",
            ["DurableTask:Retention"] = "00:00:00",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        register(builder.Services.AddDurableTaskEngine());
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new EngineHost(host, hubName);
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Starts an instance and waits until it has finished (Completed, Failed or Terminated).</summary>
    public async Task<OrchestrationMetadata> RunAsync(string orchestrator, object? input, string? instanceId = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, instanceId is null ? null : new StartOrchestrationOptions(instanceId));
        return await WaitAsync(id);
    }

    /// <summary>Waits until <paramref name="instanceId"/> has finished; fails the test after <paramref name="timeout"/> (default 3 min: Azurite on a busy machine).</summary>
    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
        }
        catch (OperationCanceledException)
        {
            var status = await Client.GetInstanceAsync(instanceId);
            Assert.Fail($"instance {instanceId} did not finish in time; it is {status?.RuntimeStatus.ToString() ?? "unknown"}");
            throw;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the instance's metadata.</summary>
    public Task WaitUntilAsync(string instanceId, Func<OrchestrationMetadata, bool> condition, TimeSpan? timeout = null) =>
        Eventually.WaitForAsync(
            async () => await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true) is { } m && condition(m),
            timeout ?? TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(30));
        _host.Dispose();
    }
}
