using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinted.Orchestration;
using Vinted.Orchestration.Client;

namespace Vinted.IntegrationTests.Infrastructure;

/// <summary>An in-process host of the orchestration layer on a test database, tuned for fast tests.</summary>
public sealed class OrchestrationHost : IAsyncDisposable
{
    private readonly IHost _host;

    private OrchestrationHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public DurableClient Client => _host.Services.GetRequiredService<DurableClient>();

    public static async Task<OrchestrationHost> StartAsync(
        string connectionString, Action<OrchestrationBuilder> register, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = connectionString,
            ["Orchestration:QueuePollInterval"] = "00:00:00.100",
            ["Orchestration:SchedulePollingInterval"] = "00:00:00.200",
            ["Orchestration:InvisibilityTimeout"] = "00:00:10",
            ["Orchestration:SweepInterval"] = "00:00:01",
            ["Orchestration:SweepGrace"] = "00:00:02",
            ["Orchestration:Workers:default"] = "4",
            ["Orchestration:Workers:orchestrators"] = "1",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var orchestration = builder.Services.AddDurableOrchestration();
        register(orchestration);
        orchestration.AddWorkers();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new OrchestrationHost(host);
    }

    /// <summary>Starts an instance and waits for it to finish.</summary>
    public async Task<OrchestrationMetadata> RunAsync(string orchestrator, object? input, string? instanceId = null, TimeSpan? timeout = null)
    {
        var id = await Client.StartNewAsync(orchestrator, input, instanceId);
        var status = await Client.WaitForCompletionAsync(id, timeout ?? TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50));
        Assert.NotNull(status);
        Assert.True(status.RuntimeStatus.IsTerminal(), $"instance {id} still {status.RuntimeStatus}");
        return status;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
