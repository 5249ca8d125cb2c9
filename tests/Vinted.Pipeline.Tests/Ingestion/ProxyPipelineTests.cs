using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Api;
using Vinted.Api.Models;
using Vinted.Testing;
using Vinted.Pipeline.Models;
using Vinted.RawZone;
using Vinted.Simulator;

namespace Vinted.Pipeline.Tests.Ingestion;

/// <summary>
/// The daily pipeline through real forward proxies on 127.0.0.1, the simulator behind them blocking some of their exit
/// addresses: pt has a blocked SOCKS5 proxy and a good HTTP one (with credentials), fr only a blocked one.
/// </summary>
public sealed class ProxyPipelineTests : IAsyncLifetime
{
    private const string Password = "proxy-password-not-in-logs";
    private static readonly DateOnly Day = new(2026, 10, 1);
    private static readonly VintedSearch Pt = new() { Domain = "pt", PerPage = 24 };
    private static readonly VintedSearch Fr = new() { Domain = "fr", PerPage = 24 };
    private ForwardProxy _ptBlocked = null!;
    private ForwardProxy _ptGood = null!;
    private ForwardProxy _fr = null!;
    private PipelineHost _host = null!;

    public async Task InitializeAsync()
    {
        _ptBlocked = ForwardProxy.Start(ProxyProtocol.Socks5, 31, "pipeline", Password);
        _ptGood = ForwardProxy.Start(ProxyProtocol.Http, 32, "pipeline", Password);
        _fr = ForwardProxy.Start(ProxyProtocol.Socks5, 33, "pipeline", Password);
        _host = await PipelineHost.StartAsync(
            nameof(ProxyPipelineTests),
            new SimulatorOptions { Listings = 20_000, Date = Day, Faults = new SimulatorFaults { BlockedAddresses = ["127.0.0.31", "127.0.0.33"] } },
            [
                .. Proxy("pt", 0, _ptBlocked),
                .. Proxy("pt", 1, _ptGood),
                .. Proxy("fr", 0, _fr),
            ]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _ptBlocked.DisposeAsync();
        await _ptGood.DisposeAsync();
        await _fr.DisposeAsync();
    }

    [Fact]
    public async Task Run_OneProxyAndOneDomainBlocked_RotatesCompletesWithWarningsAndTheRestartFetchesOnlyTheBlockedDomain()
    {
        var state = _host.Simulator.State;
        var first = await _host.RunAsync(new PipelineInput { Date = Day, Searches = [new() { Search = Pt, MaxPages = 6 }, new() { Search = Fr, MaxPages = 4 }] });

        // Rotation: pt's pages all went through the good proxy after its blocked one was tried and cooled down.
        RunAssert.Completed(first);
        Assert.Equal(6, state.Count("requests:from:127.0.0.32"));
        Assert.Equal(0, state.Count("requests:from:127.0.0.31"));
        Assert.True(state.Count("blocked:from:127.0.0.31") >= 1);
        var health = _host.Services.GetRequiredService<VintedClient>().RouteHealth();
        Assert.True(health.Single(h => h.Route == _ptBlocked.Url).Blocks >= 1);
        Assert.Equal(0, health.Single(h => h.Route == _ptGood.Url).Blocks);
        using (var http = _host.CreateClient(key: null))
        {
            // An operator sees the same on the readiness endpoint, which stays ready: a cooling proxy is no fault of the host.
            using var ready = await http.GetAsync("/health/ready");
            var routes = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("routes").EnumerateArray().ToList();
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains(routes, r => r.GetProperty("route").GetString() == _fr.Url && r.GetProperty("blocks").GetInt64() >= 1);
            Assert.DoesNotContain(Password, string.Join(",", routes.Select(r => r.GetRawText())), StringComparison.Ordinal);
        }


        // Completion with warnings: pt loaded, fr marked incomplete in the report, the warnings and the manifest.
        var report = first.ReadOutputAs<RunReport>()!;
        Assert.Equal(6, report.Ingestion.Pages);
        Assert.True(report.Staging!.Rows > 0);
        // (Searches cut by their page cap are incomplete too since issue 22; only fr is blocked.)
        var missing = Assert.Single(report.Ingestion.IncompleteSearches, s => s.Cut == SearchCuts.Blocked);
        Assert.Equal(("fr", Fr.Key, false, (int?)null, 0), (missing.Domain, missing.SearchKey, missing.Complete, missing.PagesPlanned, missing.PagesStored));
        Assert.Contains(_fr.Url, missing.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Ingestion.Warnings, w => w.Contains("domain 'fr' is incomplete", StringComparison.Ordinal));
        var manifest = await _host.Services.GetRequiredService<RawZoneStore>().ReadManifestAsync(first.InstanceId, Day, CancellationToken.None);
        Assert.Equal([(Pt.Key, false), (Fr.Key, true)], manifest!.Searches.Select(s => (s.SearchKey, s.Cut == SearchCuts.Blocked)));
        Assert.False(manifest.Searches.Single(s => s.Domain == "fr").Complete);
        Assert.Equal(0, state.Count("requests:from:127.0.0.33"));

        // The block on fr's exit is lifted; the restart fetches only fr's pages, through its proxy.
        state.Faults = new SimulatorFaults();
        var (restarted, requests) = await _host.RestartAfterCoolDownAsync(first);

        var again = restarted.ReadOutputAs<RunReport>()!.Ingestion;
        Assert.DoesNotContain(again.IncompleteSearches, s => s.Cut == SearchCuts.Blocked || s.MissingPages.Count > 0);
        Assert.Equal(10, again.Pages);
        Assert.Equal(6, again.PagesReused);
        Assert.Equal(4, requests);
        Assert.Equal(4, state.Count("requests:from:127.0.0.33"));
        Assert.Equal(6, state.Count("requests:from:127.0.0.32"));
    }

    private static string[] Proxy(string domain, int index, ForwardProxy proxy) =>
    [
        $"--VintedApi:Domains:{domain}:Proxies:{index}:Url={proxy.Url}",
        $"--VintedApi:Domains:{domain}:Proxies:{index}:Username=pipeline",
        $"--VintedApi:Domains:{domain}:Proxies:{index}:Password={Password}",
        $"--VintedApi:Domains:{domain}:Proxies:{index}:RequestsPerSecond=200",
    ];
}
