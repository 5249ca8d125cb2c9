using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Api.Models;
using Vinted.Testing;
using Vinted.Orchestration.Client;
using Vinted.ObjectStore;
using Vinted.RawZone;
using Vinted.Simulator;
using Vinted.Simulator.Market;

namespace Vinted.Pipeline.Tests.EndToEnd;

/// <summary>
/// The whole product as a user runs it: function-app processes (`serve`) on a test database, S3 prefix and task hub
/// (shared by the rig's hosts, so a restarted host takes over the run), the simulator over HTTP in place of Vinted,
/// runs started through the HTTP API.
/// </summary>
public sealed class EndToEndRig : IAsyncDisposable
{
    public static readonly DateOnly Day = new(2026, 10, 1);
    private readonly List<FunctionHostProcess> _hosts = [];
    private readonly IObjectStore _store;
    private readonly ServiceProvider _engine;

    private EndToEndRig(SimulatorHost simulator, string connectionString, string prefix, int port)
    {
        HubName = LocalStack.NewHubName();
        _engine = TestEngine.Client(HubName, connectionString);
        Simulator = simulator;
        ConnectionString = connectionString;
        Prefix = prefix;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("x-functions-key", LocalStack.Instance.AdminKey);
        _store = LocalStack.CreateStore(LocalStack.Instance.S3Store(prefix));
        RawZone = new RawZoneStore(_store, TimeProvider.System, NullLogger<RawZoneStore>.Instance);
    }

    public SimulatorHost Simulator { get; }

    public string ConnectionString { get; }

    public string Prefix { get; }

    public int Port { get; }

    /// <summary>The task hub every host of the rig shares.</summary>
    public string HubName { get; }

    /// <summary>The hub's history, read straight from the store: works while no host is up.</summary>
    public InstanceHistory History => _engine.GetRequiredService<InstanceHistory>();

    public HttpClient Http { get; }

    public RawZoneStore RawZone { get; }

    /// <summary>The searches every end-to-end run ingests: three searches of at most 10 pages of 96.</summary>
    public static IReadOnlyList<VintedSearch> Searches { get; } =
    [
        new VintedSearch { Domain = "pt", CatalogIds = [1904, 1905], Order = "newest_first", PerPage = 96 },
        new VintedSearch { Domain = "pt", BrandIds = [53], PerPage = 96 },
        new VintedSearch { Domain = "fr", Order = "price_low_to_high", PerPage = 96 },
    ];

    public static async Task<EndToEndRig> StartAsync(string name)
    {
        var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Listings = 50_000, Date = Day, MaxReachableResults = 960 }, CancellationToken.None);
        var connectionString = await LocalStack.Instance.CreateDatabaseAsync(name);
        return new EndToEndRig(simulator, connectionString, $"tests/{name.ToLowerInvariant()}-{Guid.NewGuid():N}", Eventually.FreePort());
    }

    /// <summary>Starts a host process; <paramref name="extra"/> adds or overrides environment settings.</summary>
    public FunctionHostProcess StartHost(int? port = null, IDictionary<string, string>? extra = null)
    {
        var host = FunctionHostProcess.Start(["serve"], env =>
        {
            env["ConnectionStrings__Warehouse"] = ConnectionString;
            env["S3__Prefix"] = Prefix;
            env["Http__Urls"] = $"http://127.0.0.1:{port ?? Port}";
            env["Schedule__Enabled"] = "false";
            foreach (var (key, value) in TestEngine.Environment(HubName, partitions: 4))
            {
                env[key] = value;
            }

            env["Pipeline__Retry__FirstRetryInterval"] = "00:00:00.500";
            env["Pipeline__Retry__MaxRetryInterval"] = "00:00:05";
            env["Pipeline__Retry__MaxNumberOfAttempts"] = "8";
            env["Ingestion__MaxReachableResults"] = "960";
            foreach (var domain in new[] { "pt", "fr" })
            {
                env[$"VintedApi__Domains__{domain}__SiteBaseUrl"] = Simulator.DomainUrl(domain).ToString();
                env[$"VintedApi__Domains__{domain}__ApiBaseUrl"] = Simulator.DomainUrl(domain).ToString();
                env[$"VintedApi__Domains__{domain}__RequestsPerSecond"] = "500";
                env[$"VintedApi__Domains__{domain}__RetryBaseDelay"] = "00:00:00.100";
                env[$"VintedApi__Domains__{domain}__MaxRetryDelay"] = "00:00:02";
                env[$"VintedApi__Domains__{domain}__CircuitMinimumThroughput"] = "1000";
            }

            foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            {
                env[key] = value;
            }
        });
        _hosts.Add(host);
        return host;
    }

    public Task WaitUntilReadyAsync(FunctionHostProcess host, int? port = null) => Eventually.WaitUntilReadyAsync(host, port ?? Port);

    /// <summary>Starts the daily pipeline over HTTP on <see cref="Searches"/>.</summary>
    public async Task<string> StartRunAsync(int maxPages = 10)
    {
        var input = new { date = Day, trigger = "test", searches = Searches.Select(s => new { search = s, maxPages }).ToArray() };
        using var response = await Http.PostAsync(
            "/api/orchestrators/DailyPipeline",
            new StringContent(JsonSerializer.Serialize(input, new JsonSerializerOptions(JsonSerializerDefaults.Web)), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Polls the run's status (through whichever host answers) until it finishes.</summary>
    public async Task<JsonElement> WaitForRunAsync(string id, TimeSpan timeout, Func<string> diagnostics)
    {
        JsonElement status = default;
        await Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    using var response = await Http.GetAsync($"/runtime/webhooks/durabletask/instances/{id}?showHistory=true");
                    status = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                    return false;
                }
            },
            timeout,
            diagnostics);
        return status;
    }

    /// <summary>
    /// Steps of the run by activity and state, from the run page's JSON (<c>GET /api/monitoring/runs/{id}</c>: the
    /// history of the run and of its searches); empty while no host answers.
    /// </summary>
    public async Task<Dictionary<string, Dictionary<string, int>>> ProgressAsync(string id)
    {
        try
        {
            using var response = await Http.GetAsync($"/api/monitoring/runs/{id}");
            if (!response.IsSuccessStatusCode)
            {
                return [];
            }

            var detail = await response.Content.ReadFromJsonAsync<JsonElement>();
            return detail.GetProperty("stages").EnumerateArray()
                .SelectMany(s => s.GetProperty("activities").EnumerateArray())
                .ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("byStatus").Deserialize<Dictionary<string, int>>()!);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return [];
        }
    }

    /// <summary>How many of the run's calls to <paramref name="activity"/> have completed.</summary>
    public async Task<int> CompletedStepsAsync(string id, string activity) =>
        (await ProgressAsync(id)).GetValueOrDefault(activity)?.GetValueOrDefault("Completed") ?? 0;

    /// <summary>How many of the run's page fetch steps (first pages and ranges, see <see cref="FetchSteps"/>) have completed.</summary>
    public async Task<int> CompletedFetchStepsAsync(string id)
    {
        var progress = await ProgressAsync(id);
        return new[] { "FetchPage", "FetchPages" }.Sum(a => progress.GetValueOrDefault(a)?.GetValueOrDefault("Completed") ?? 0);
    }

    /// <summary>Whether the run itself (not its searches) has scheduled <paramref name="activity"/>, from the store.</summary>
    public async Task<bool> HasScheduledAsync(string id, string activity) =>
        (await History.ReadAsync(id, CancellationToken.None)).Steps.Any(s => s.Name == activity);

    /// <summary>
    /// The ground truth as the run should have it: for every page the manifest lists, the listings the
    /// simulator says that page holds, unless the page was quarantined.
    /// </summary>
    public async Task<List<(StoredPage Page, IReadOnlyList<GroundTruthListing> Listings)>> ExpectedPagesAsync(string runId)
    {
        var manifest = await RawZone.ReadManifestAsync(runId, Day, CancellationToken.None);
        Assert.NotNull(manifest);
        var expected = new List<(StoredPage, IReadOnlyList<GroundTruthListing>)>();
        foreach (var search in Searches)
        {
            var truth = Simulator.Marketplace.GroundTruth(Day, search).Listings;
            var pages = manifest.Pages.Where(p => p.Address.Domain == search.Domain && p.Address.SearchKey == search.Key).OrderBy(p => p.Address.Page).ToList();
            Assert.Equal(Math.Min(10, Math.Max(1, (truth.Count + 95) / 96)), pages.Count);
            expected.AddRange(pages.Where(p => !p.Quarantined).Select(p => (p, (IReadOnlyList<GroundTruthListing>)truth.Skip((p.Address.Page - 1) * 96).Take(96).ToList())));
        }

        return expected;
    }

    /// <summary>Raw zone and mart against the ground truth without the quarantined pages' listings.</summary>
    public async Task AssertMatchesGroundTruthAsync(string runId)
    {
        var expected = await ExpectedPagesAsync(runId);
        foreach (var (page, listings) in expected)
        {
            using var json = JsonDocument.Parse(await RawZone.ReadPageAsync(page, CancellationToken.None));
            Assert.Equal(listings.Select(l => l.Id), json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        }

        // The mart's day: one fact per listing (a listing two searches both returned is one listing), at its true price.
        var truth = expected.SelectMany(e => e.Listings.Select(l => (e.Page.Address.Domain, l.Id, l.Price, l.Currency))).Distinct().Order().ToList();
        var facts = new List<(string, long, decimal, string)>();
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand("select domain, item_id, price, currency from mart.fact_listing_daily where snapshot_date = @day and run_id = @run");
        command.Parameters.AddWithValue("day", Day);
        command.Parameters.AddWithValue("run", runId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            facts.Add((reader.GetString(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetString(3)));
        }

        Assert.Equal(truth, facts.Order().ToList());
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs infra/local/stack.sh with the given command (fault injection on the shared stack).</summary>
    public static async Task StackAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(LocalStack.RepoRoot, "infra", "local", "stack.sh"), command]) { RedirectStandardError = true })!;
        var log = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"stack.sh {command} failed: {log}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        Http.Dispose();
        _store.Dispose();
        await Simulator.DisposeAsync();
        await _engine.DisposeAsync();
    }
}
