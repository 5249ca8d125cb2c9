using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Api.Models;
using Vinted.Testing;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Options;
using Vinted.PriceModel.Training;
using Vinted.Simulator;

namespace Vinted.PriceModel.Tests;

/// <summary>
/// The self-host after six simulated days of daily runs (pt and fr, one currency), a training started over HTTP with
/// day 6 held out, and a seventh daily run, which scores its listings with the trained model.
/// </summary>
public sealed class PriceModelFixture : IAsyncLifetime
{
    public static readonly DateOnly FirstDay = new(2026, 10, 1);
    public static readonly DateOnly TestDay = new(2026, 10, 6);
    public static readonly DateOnly ScoredDay = new(2026, 10, 7);

    /// <summary>The simulator's catalogs.</summary>
    private static readonly long[] CatalogIds = [1206, 1231, 1779, 1904, 2050, 1907, 2630, 1242, 2094, 1812, 1193, 2993];

    private List<SearchSpec> _searches = [];

    public PipelineHost Host { get; private set; } = null!;

    public NpgsqlDataSource DataSource => Host.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>The reports of the six days before training, and of the scored day.</summary>
    public List<RunReport> Reports { get; } = [];

    /// <summary>What the first training did.</summary>
    public IReadOnlyList<TrainOutcome> Training { get; private set; } = [];

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public async Task InitializeAsync()
    {
        Host = await PipelineHost.StartAsync(
            "PriceModelTests",
            new SimulatorOptions { Listings = 20_000, Date = FirstDay, MaxReachableResults = 100_000 },
            "--Ingestion:MaxReachableResults=100000",
            // Every estimate reads the alias: a promotion or rollback is served by the very next request.
            "--PriceModel:AliasCheckInterval=00:00:00");
        // Catalog pages name a condition by its title in the site's language; seller pages also give Vinted's status id,
        // which makes it one id across languages. A few sellers per site, as the configured seller searches do.
        string[] domains = ["pt", "fr"];
        _searches =
        [
            // One search per catalog: a search's single catalog is what tells a listing's catalog on catalog pages.
            .. domains.SelectMany(d => CatalogIds.Select(c => new SearchSpec { Search = VintedSearch.Catalog(d) with { CatalogIds = [c], PerPage = 96 }, MaxPages = 2 })),
            .. domains.SelectMany(d => Host.Simulator.Marketplace.GroundTruth(FirstDay, VintedSearch.Catalog(d)).Listings
                .Select(l => l.SellerId).Distinct().Take(4).Select(seller => new SearchSpec { Search = VintedSearch.Seller(d, seller) })),
        ];
        for (var day = FirstDay; day <= TestDay; day = day.AddDays(1))
        {
            Reports.Add(await RunDayAsync(day));
        }

        Training = await TrainAsync(new { testDay = TestDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Reports.Add(await RunDayAsync(ScoredDay));
    }

    /// <summary>Starts a training over HTTP, as an operator would, and waits for its outcomes.</summary>
    public async Task<IReadOnlyList<TrainOutcome>> TrainAsync(object request)
    {
        using var http = Host.CreateClient(LocalStack.Instance.DefaultKey);
        using var started = await http.PostAsJsonAsync("/api/orchestrators/TrainModel", request);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var status = await Host.Client.WaitForFinishAsync(id, TimeSpan.FromMinutes(5));
        RunAssert.Completed(status);
        return JsonSerializer.Deserialize<List<TrainOutcome>>(status.SerializedOutput!, Json)!;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    private async Task<RunReport> RunDayAsync(DateOnly day)
    {
        Host.Simulator.State.Date = day;
        var run = await Host.RunAsync(new PipelineInput { Date = day, Searches = _searches, Trigger = "test" }, TimeSpan.FromMinutes(5));
        RunAssert.Completed(run);
        return JsonSerializer.Deserialize<RunReport>(run.SerializedOutput!, Json)!;
    }
}
