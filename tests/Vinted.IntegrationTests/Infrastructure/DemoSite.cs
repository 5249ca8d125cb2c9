using Microsoft.DurableTask.Client;
using Vinted.Api.Models;
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

    private readonly PipelineHost _host;

    private DemoSite(PipelineHost host) => _host = host;

    public Uri BaseAddress => _host.BaseAddress;

    /// <summary>The site's own task hub.</summary>
    public string HubName => _host.HubName;

    public SimulatorHost Simulator => _host.Simulator;

    public string ConnectionString => _host.ConnectionString;

    public IServiceProvider Services => _host.Services;

    public DurableTaskClient Client => _host.Client;

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
        // About 900 listings per catalog and domain on a day, a few dozen new and vanished each day.
        var host = await PipelineHost.StartAsync(
            name,
            new SimulatorOptions { Listings = 30_000, Date = FirstDay, MaxReachableResults = 100_000 },
            Domains,
            "--Ingestion:MaxReachableResults=100000");
        var site = new DemoSite(host);
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

    public HttpClient CreateClient(string? key) => _host.CreateClient(key);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
