using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Functions.Hosting;
using Vinted.Orchestration;
using Vinted.Orchestration.Client;
using Vinted.Simulator;

namespace Vinted.IntegrationTests.Infrastructure;

/// <summary>
/// The whole function app in-process, against a test database, its own S3 prefix and the simulator over HTTP
/// standing in for every Vinted domain the tests use.
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PipelineHost(WebApplication app, SimulatorHost simulator, string prefix)
    {
        _app = app;
        Simulator = simulator;
        S3Prefix = prefix;
    }

    public SimulatorHost Simulator { get; }

    public string S3Prefix { get; }

    public IServiceProvider Services => _app.Services;

    public DurableClient Client => _app.Services.GetRequiredService<DurableClient>();

    public static async Task<PipelineHost> StartAsync(string testName, SimulatorOptions simulatorOptions, params string[] settings)
    {
        var stack = LocalStack.Instance;
        var connectionString = await stack.CreateDatabaseAsync(testName);
        var simulator = await SimulatorHost.StartAsync(simulatorOptions, CancellationToken.None);
        var prefix = $"tests/{testName.ToLowerInvariant()}-{Guid.NewGuid():N}";
        string[] domains = ["pt", "fr"];
        var app = FunctionApp.Build(
            [
                $"--ConnectionStrings:Warehouse={connectionString}",
                $"--Functions:Keys:Default={stack.DefaultKey}",
                $"--Functions:Keys:Admin={stack.AdminKey}",
                $"--S3:Prefix={prefix}",
                "--Http:Urls=http://127.0.0.1:0",
                "--Schedule:Enabled=false",
                "--Orchestration:QueuePollInterval=00:00:00.100",
                "--Orchestration:SchedulePollingInterval=00:00:00.250",
                "--Orchestration:DefaultRetry:FirstRetryInterval=00:00:00.250",
                .. domains.SelectMany(d => new[]
                {
                    $"--VintedApi:Domains:{d}:SiteBaseUrl={simulator.DomainUrl(d)}",
                    $"--VintedApi:Domains:{d}:ApiBaseUrl={simulator.DomainUrl(d)}",
                    $"--VintedApi:Domains:{d}:RequestsPerSecond=1000",
                    $"--VintedApi:Domains:{d}:RetryBaseDelay=00:00:00.050",
                    $"--VintedApi:Domains:{d}:MaxRetryDelay=00:00:01",
                }),
                .. settings,
            ]);
        await app.StartAsync();
        return new PipelineHost(app, simulator, prefix);
    }

    /// <summary>Starts a pipeline run and waits for it to finish.</summary>
    public async Task<OrchestrationMetadata> RunAsync(object input, TimeSpan? timeout = null)
    {
        var id = await Client.StartNewAsync("DailyPipeline", input);
        var status = await Client.WaitForCompletionAsync(id, timeout ?? TimeSpan.FromMinutes(3));
        Assert.NotNull(status);
        Assert.True(status.RuntimeStatus.IsTerminal(), $"run {id} still {status.RuntimeStatus}");
        return status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
