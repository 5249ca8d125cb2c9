using Vinted.ObjectStore;
using Vinted.Monitoring.Runs;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Vinted.Api.Options;
using Vinted.SelfHost.Hosting;
using Microsoft.DurableTask.Client;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Http;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Options;
using Vinted.Pipeline.Orchestrators;
using Vinted.Simulator;

namespace Vinted.SelfHost.Cli;

/// <summary>
/// <c>run</c>: one pipeline run in this process (its own workers, no timer), with progress on the console,
/// then the run report. Against the real Vinted API unless <c>--demo</c> puts the bundled simulator in its place.
/// </summary>
public static class RunCommand
{
    private static readonly string[] DemoDomains = ["pt", "fr"];

    /// <summary>A host for one command: a free port, no timer, and only warnings logged (the progress and report are the output).</summary>
    internal static readonly string[] InProcessSettings =
    [
        "--Http:Urls=http://127.0.0.1:0",
        "--Schedule:Enabled=false",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TimeProvider time)
    {
        var options = RunOptions.Parse(args);
        await using var simulator = options.Demo
            ? await SimulatorHost.StartAsync(new SimulatorOptions { Listings = options.DemoListings, Date = options.Date ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime) }, CancellationToken.None)
            : null;
        string[] settings =
        [
            .. InProcessSettings,
            .. simulator is null ? [] : DemoDomains.SelectMany(d => DemoSettings(simulator, d)),
            .. options.Settings,
        ];

        await using var app = FunctionApp.Build(settings);
        if (simulator is null && await UnreachableDomainAsync(app.Services) is { } unreachable)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Cannot reach {unreachable}[/]: this machine seems to have no internet access.");
            AnsiConsole.MarkupLine("Run [bold]./vinted run --demo[/] to run the same pipeline against the bundled Vinted simulator.");
            return 4;
        }

        await app.StartAsync();
        var client = app.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(DailyPipeline), Input(options, app.Services.GetRequiredService<IOptions<IngestionOptions>>().Value));
        AnsiConsole.MarkupLineInterpolated($"Run [bold]{id}[/] started{(simulator is null ? "" : " against the simulator (demo)")}.");

        var status = await WatchAsync(client, app.Services.GetRequiredService<InstanceHistory>(), id);
        await app.StopAsync();
        RunReportView.Write(status, app.Services.GetRequiredService<IObjectStore>());
        return status.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? 0 : 1;
    }

    /// <summary>
    /// The run's input. <c>--max-pages</c> is each configured search's page cap (it replaces the search's own), so it can
    /// raise a cap as well as lower it; the API's reach still bounds every search, and the user is told when it does.
    /// </summary>
    private static PipelineInput Input(RunOptions options, IngestionOptions ingestion)
    {
        if (options.MaxPages is not { } cap)
        {
            return new PipelineInput { Date = options.Date, Trigger = "cli" };
        }

        var bounded = ingestion.Searches
            .Select(s => (s.Search, Reach: (ingestion.MaxReachableResults + s.Search.PerPage - 1) / s.Search.PerPage))
            .Where(s => s.Reach < cap)
            .ToList();
        if (bounded.Count > 0)
        {
            var searches = string.Join(", ", bounded.Select(b => $"{b.Search.Domain} {b.Search.Key}: {b.Reach} pages"));
            AnsiConsole.MarkupLine(Markup.Escape(
                $"--max-pages {cap}: {bounded.Count} of {ingestion.Searches.Count} searches stop sooner, at the API's reach of " +
                $"{ingestion.MaxReachableResults:N0} results ({searches}; setting Ingestion:MaxReachableResults)."));
        }

        return new PipelineInput { Date = options.Date, Trigger = "cli", Searches = [.. ingestion.Searches.Select(s => s with { MaxPages = cap })] };
    }

    private static IEnumerable<string> DemoSettings(SimulatorHost simulator, string domain) =>
    [
        $"--VintedApi:Domains:{domain}:SiteBaseUrl={simulator.DomainUrl(domain)}",
        $"--VintedApi:Domains:{domain}:ApiBaseUrl={simulator.DomainUrl(domain)}",
        $"--VintedApi:Domains:{domain}:RequestsPerSecond=200",
    ];

    /// <summary>Progress bars per activity, fed from the steps in the run's history and its searches', until the run ends.</summary>
    internal static async Task<InstanceStatus> WatchAsync(DurableTaskClient client, InstanceHistory history, string id)
    {
        InstanceStatus status = (await DurableHttpApi.ReadStatusAsync(client, history, id, showHistory: false, showInput: false, CancellationToken.None))!;
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Redirected output cannot redraw a bar: it would keep only each bar's first state ("0/3: 0%") above a
            // finished run. The report that follows says what each stage did.
            while (!DurableHttpApi.IsTerminal(status.RuntimeStatus))
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                status = (await DurableHttpApi.ReadStatusAsync(client, history, id, showHistory: false, showInput: false, CancellationToken.None))!;
            }

            return status;
        }

        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var bars = new Dictionary<string, ProgressTask>();
                while (true)
                {
                    status = (await DurableHttpApi.ReadStatusAsync(client, history, id, showHistory: false, showInput: false, CancellationToken.None))!;
                    var steps = await history.ReadTreeAsync(id, CancellationToken.None);
                    foreach (var activity in steps.GroupBy(s => s.Name))
                    {
                        var total = activity.Count();
                        var done = activity.Count(s => s.Status != "Running");
                        if (!bars.TryGetValue(activity.Key, out var bar))
                        {
                            bar = bars[activity.Key] = progress.AddTask(Describe(activity.Key));
                        }

                        bar.Description = $"{Describe(activity.Key)} {done}/{total}";
                        bar.MaxValue = Math.Max(total, 1);
                        bar.Value = done;
                    }

                    if (DurableHttpApi.IsTerminal(status.RuntimeStatus))
                    {
                        progress.Refresh();
                        return;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            });
        return status;
    }

    private static string Describe(string activity) => activity switch
    {
        nameof(FetchPage) => "First pages fetched",
        nameof(FetchPages) => $"Page ranges fetched (up to {SearchIngestion.PagesPerStep} pages each)",
        nameof(PlanRun) => "Plan",
        nameof(RecordSearchPages) => "Searches recorded",
        nameof(WriteManifest) => "Manifest",
        "LoadStaging" => "Staging",
        "BuildMart" => "Mart",
        "WriteLake" => "Lake",
        "LookUpVanished" => "Item pages looked up",
        "PlanVanishedLookups" or "ApplyVanishedOutcomes" => "Sold or withdrawn",
        "PlanBackfill" => "Plan",
        _ => activity,
    };

    /// <summary>The first configured Vinted site this machine cannot open a connection to, if any.</summary>
    private static async Task<Uri?> UnreachableDomainAsync(IServiceProvider services)
    {
        var api = services.GetRequiredService<IOptions<VintedApiOptions>>().Value;
        var searches = services.GetRequiredService<IOptions<IngestionOptions>>().Value.Searches;
        foreach (var domain in searches.Select(s => s.Search.Domain).Distinct())
        {
            var site = api.For(domain).SiteBaseFor(domain);
            using var tcp = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await tcp.ConnectAsync(site.Host, site.Port, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return site;
            }
        }

        return null;
    }
}
