using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinted.Orchestration;

namespace Vinted.IntegrationTests.Infrastructure;

/// <summary>An in-process host of the Durable Task engine on a task hub of its own, tuned for fast tests.</summary>
public sealed class OrchestrationHost : IAsyncDisposable
{
    private readonly IHost _host;

    private OrchestrationHost(IHost host, string hubName)
    {
        _host = host;
        HubName = hubName;
    }

    public string HubName { get; }

    public IServiceProvider Services => _host.Services;

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    /// <param name="connectionString">The test's database, as <c>ConnectionStrings:Warehouse</c> (activities may use it).</param>
    public static async Task<OrchestrationHost> StartAsync(
        string connectionString, Action<DurableTaskEngineBuilder> register, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var hubName = LocalStack.NewHubName();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(TestEngine.Settings(hubName).Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = connectionString,
            ["DurableTask:MaxConcurrentActivities"] = "4",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var engine = builder.Services.AddDurableTaskEngine();
        register(engine);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new OrchestrationHost(host, hubName);
    }

    /// <summary>Starts an instance and waits for it to finish.</summary>
    public async Task<OrchestrationMetadata> RunAsync(string orchestrator, object? input, string? instanceId = null, TimeSpan? timeout = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, instanceId is null ? null : new StartOrchestrationOptions(instanceId));
        var status = await Client.WaitForFinishAsync(id, timeout ?? TimeSpan.FromSeconds(60));
        Assert.True(status.IsCompleted, $"instance {id} still {status.RuntimeStatus}");
        return status;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
        await TestEngine.DeleteHubAsync(HubName);
    }
}
