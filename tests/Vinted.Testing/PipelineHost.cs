using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Api;
using Vinted.Orchestration.Client;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Orchestrators;
using Vinted.SelfHost.Hosting;
using Vinted.Simulator;

namespace Vinted.Testing;

/// <summary>
/// The one host fixture: the whole self-host in-process, against a test database, its own S3 prefix, its own task hub
/// and the simulator over HTTP standing in for every Vinted domain the tests use. <see cref="StartAsync(string, SimulatorOptions, string[])"/>
/// starts it empty; <see cref="StartDemoAsync"/> starts it with a few days of demo runs (<see cref="DemoDays"/>) behind
/// its pages.
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PipelineHost(WebApplication app, SimulatorHost simulator, string connectionString, string prefix, string hubName)
    {
        _app = app;
        ConnectionString = connectionString;
        Simulator = simulator;
        S3Prefix = prefix;
        HubName = hubName;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public SimulatorHost Simulator { get; }

    /// <summary>The host's own test database.</summary>
    public string ConnectionString { get; }

    public string S3Prefix { get; }

    public string HubName { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public DurableTaskClient Client => _app.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The runs <see cref="RunDayAsync"/> completed, oldest first.</summary>
    public List<OrchestrationMetadata> Runs { get; } = [];

    /// <summary>Starts the app with the simulator standing in for the domains pt and fr.</summary>
    public static Task<PipelineHost> StartAsync(string testName, SimulatorOptions simulatorOptions, params string[] settings) =>
        StartAsync(testName, simulatorOptions, ["pt", "fr"], settings);

    /// <summary>Starts the app with the simulator standing in for <paramref name="domains"/>.</summary>
    public static async Task<PipelineHost> StartAsync(string testName, SimulatorOptions simulatorOptions, IReadOnlyList<string> domains, params string[] settings)
    {
        var stack = LocalStack.Instance;
        var connectionString = await stack.CreateDatabaseAsync(testName);
        var simulator = await SimulatorHost.StartAsync(simulatorOptions, CancellationToken.None);
        var prefix = $"tests/{testName.ToLowerInvariant()}-{Guid.NewGuid():N}";
        var hubName = LocalStack.NewHubName();
        var app = FunctionApp.Build(
            [
                $"--ConnectionStrings:Warehouse={connectionString}",
                $"--Functions:Keys:Default={stack.DefaultKey}",
                $"--Functions:Keys:Admin={stack.AdminKey}",
                $"--S3:Prefix={prefix}",
                "--Http:Urls=http://127.0.0.1:0",
                "--Schedule:Enabled=false",
                .. TestEngine.Arguments(hubName),
                .. domains.SelectMany(d => new[]
                {
                    $"--VintedApi:Domains:{d}:SiteBaseUrl={simulator.DomainUrl(d)}",
                    $"--VintedApi:Domains:{d}:ApiBaseUrl={simulator.DomainUrl(d)}",
                    $"--VintedApi:Domains:{d}:RequestsPerSecond=1000",
                    $"--VintedApi:Domains:{d}:RetryBaseDelay=00:00:00.050",
                    $"--VintedApi:Domains:{d}:MaxRetryDelay=00:00:01",
                    $"--VintedApi:Domains:{d}:ProxyCoolDown=00:00:01",
                }),
                .. settings,
            ]);
        await app.StartAsync();
        return new PipelineHost(app, simulator, connectionString, prefix, hubName);
    }

    /// <summary>
    /// Starts the app on the demo world (<see cref="DemoDays"/>) and runs <paramref name="days"/> consecutive days from
    /// <see cref="DemoDays.FirstDay"/>, ingestion to mart, the last one with <see cref="DemoDays.LastDayFaults"/>.
    /// </summary>
    public static async Task<PipelineHost> StartDemoAsync(string testName, int days)
    {
        var host = await StartAsync(testName, DemoDays.Simulator, DemoDays.Domains, [.. DemoDays.Settings]);
        for (var day = 0; day < days; day++)
        {
            host.Simulator.State.Faults = day == days - 1 ? DemoDays.LastDayFaults : new SimulatorFaults();
            await host.RunDayAsync(DemoDays.FirstDay.AddDays(day));
        }

        host.Simulator.State.Faults = new SimulatorFaults();
        return host;
    }

    /// <summary>One demo day: the simulator moved to <paramref name="date"/>, one completed pipeline run of <see cref="DemoDays.Searches"/>, kept in <see cref="Runs"/>.</summary>
    public async Task<OrchestrationMetadata> RunDayAsync(DateOnly date)
    {
        Simulator.State.Date = date;
        var status = await RunAsync(new PipelineInput { Date = date, Searches = DemoDays.Searches, Trigger = "test" }, TimeSpan.FromMinutes(5));
        RunAssert.Completed(status);
        Runs.Add(status);
        return status;
    }

    /// <summary>Starts a pipeline run and waits for it to finish.</summary>
    public async Task<OrchestrationMetadata> RunAsync(object input, TimeSpan? timeout = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(DailyPipeline), input);
        var status = await Client.WaitForFinishAsync(id, timeout ?? TimeSpan.FromMinutes(3));
        Assert.True(status.IsCompleted, $"run {id} still {status.RuntimeStatus}");
        return status;
    }

    /// <summary>
    /// Restarts a finished run under its id once every route is back in use (a block it met has cooled down) and waits
    /// for it; returns the finished status and how many requests the simulator served meanwhile.
    /// </summary>
    public async Task<(OrchestrationMetadata Status, long Requests)> RestartAfterCoolDownAsync(OrchestrationMetadata finished)
    {
        await WaitUntilRoutesCoolAsync();
        var before = Simulator.State.Count("requests");
        await Client.RestartAsync(finished.InstanceId);
        var status = await Client.WaitForFinishAsync(finished.InstanceId, TimeSpan.FromMinutes(3), after: finished.LastUpdatedAt);
        RunAssert.Completed(status);
        return (status, Simulator.State.Count("requests") - before);
    }

    /// <summary>Waits until no route of any domain cools down (a block seen by a test has passed), so a restart is not refused by an open circuit.</summary>
    public Task WaitUntilRoutesCoolAsync() =>
        Eventually.WaitForAsync(
            () => Task.FromResult(Services.GetRequiredService<VintedClient>().RouteHealth().All(r => r.CoolingUntil is null)),
            TimeSpan.FromSeconds(30),
            () => "a route still cools down");

    public HttpClient CreateClient(string? key)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
