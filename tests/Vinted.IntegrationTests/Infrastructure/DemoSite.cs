using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Api.Models;
using Vinted.SelfHost.Hosting;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Options;
using Vinted.Pipeline.Orchestrators;
using Vinted.Simulator;

namespace Vinted.IntegrationTests.Infrastructure;

/// <summary>
/// The function app in-process on real HTTP, with data behind its pages: the real pipeline runs against the
/// simulator for a few consecutive days (three domains, two currencies), then the warehouse's own stages load each
/// run into staging, the normalized model and the mart. Used by the monitoring API tests and the browser tests.
/// </summary>
public sealed class DemoSite : IAsyncDisposable
{
    public static readonly DateOnly FirstDay = new(2026, 10, 1);

    private static readonly string[] Domains = ["pt", "fr", "pl"];

    private readonly WebApplication _app;

    private DemoSite(WebApplication app, SimulatorHost simulator, string connectionString, string hubName)
    {
        _app = app;
        HubName = hubName;
        Simulator = simulator;
        ConnectionString = connectionString;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri BaseAddress { get; }

    /// <summary>The site's own task hub.</summary>
    public string HubName { get; }

    public SimulatorHost Simulator { get; }

    public string ConnectionString { get; }

    public IServiceProvider Services => _app.Services;

    public DurableTaskClient Client => _app.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The completed runs, oldest first.</summary>
    public List<OrchestrationMetadata> Runs { get; } = [];

    /// <summary>Three catalogs per domain, each read to its last page, so disappearance is judged on whole results.</summary>
    public static IReadOnlyList<SearchSpec> Searches { get; } =
    [
        .. Domains.SelectMany(d => new long[] { 1206, 1231, 2094 }.Select(c =>
            new SearchSpec { Search = VintedSearch.Catalog(d) with { CatalogIds = [c], PerPage = 96 }, MaxPages = 50 })),
    ];

    /// <summary>The last day's faults: a few pages arrive as broken JSON (quarantined, shown on the run page), a few 503s are retried.</summary>
    public static SimulatorFaults LastDayFaults { get; } = new() { MalformedJsonRate = 0.03, ServerErrorRate = 0.05, MaxFaultedAttempts = 1 };

    public static async Task<DemoSite> StartAsync(string name, int days)
    {
        var stack = LocalStack.Instance;
        var connectionString = await stack.CreateDatabaseAsync(name);
        var hubName = LocalStack.NewHubName();
        var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions
            {
                // About 900 listings per catalog and domain on a day, a few dozen new and vanished each day.
                Listings = 30_000,
                Date = FirstDay,
                MaxReachableResults = 100_000,
            },
            CancellationToken.None);
        var app = FunctionApp.Build(
            [
                $"--ConnectionStrings:Warehouse={connectionString}",
                $"--Functions:Keys:Default={stack.DefaultKey}",
                $"--Functions:Keys:Admin={stack.AdminKey}",
                $"--S3:Prefix=tests/{name.ToLowerInvariant()}-{Guid.NewGuid():N}",
                "--Http:Urls=http://127.0.0.1:0",
                "--Schedule:Enabled=false",
                "--Ingestion:MaxReachableResults=100000",
                .. TestEngine.Arguments(hubName),
                .. Domains.SelectMany(d => new[]
                {
                    $"--VintedApi:Domains:{d}:SiteBaseUrl={simulator.DomainUrl(d)}",
                    $"--VintedApi:Domains:{d}:ApiBaseUrl={simulator.DomainUrl(d)}",
                    $"--VintedApi:Domains:{d}:RequestsPerSecond=1000",
                    $"--VintedApi:Domains:{d}:RetryBaseDelay=00:00:00.050",
                    $"--VintedApi:Domains:{d}:MaxRetryDelay=00:00:01",
                }),
            ]);
        await app.StartAsync();
        var site = new DemoSite(app, simulator, connectionString, hubName);
        for (var day = 0; day < days; day++)
        {
            site.Simulator.State.Faults = day == days - 1 ? LastDayFaults : new SimulatorFaults();
            await site.RunDayAsync(FirstDay.AddDays(day));
        }

        site.Simulator.State.Faults = new SimulatorFaults();

        return site;
    }

    /// <summary>One day: one pipeline run, ingestion to mart.</summary>
    public async Task<OrchestrationMetadata> RunDayAsync(DateOnly date)
    {
        Simulator.State.Date = date;
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(DailyPipeline), new PipelineInput { Date = date, Searches = Searches, Trigger = "test" });
        var status = await Client.WaitForFinishAsync(id, TimeSpan.FromMinutes(5));
        Assert.True(status.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"run {id}: {status.RuntimeStatus} {status.FailureDetails?.ErrorMessage}");

        Runs.Add(status);
        return status;
    }

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
