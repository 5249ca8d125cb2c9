using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Vinted.Api;
using Vinted.Api.Models;
using Vinted.Api.Options;
using Vinted.Pipeline.Options;
using Vinted.Platform.Postgres;
using Vinted.Testing;
using Vinted.ObjectStore;
using Vinted.RawZone;
using Vinted.Simulator;
using Vinted.Simulator.Market;
using Vinted.Warehouse;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;

namespace Vinted.Testing;

/// <summary>
/// One warehouse test class's world: a fresh database with the warehouse migrations, a raw zone under its own S3
/// prefix, the simulator over HTTP and the real API client. <see cref="IngestAsync"/> does what ingestion does:
/// fetches every page of each search and stores it through <see cref="RawZoneStore"/>, then writes the manifest.
/// </summary>
public sealed class WarehouseTestBed : IAsyncDisposable
{
    /// <summary>Two consecutive simulated days.</summary>
    public static readonly DateOnly Day1 = new(2026, 10, 1);
    public static readonly DateOnly Day2 = new(2026, 10, 2);

    private readonly IObjectStore _store;
    private readonly HttpClient _http;

    private WarehouseTestBed(string connectionString, SimulatorHost simulator, WarehouseOptions warehouse)
    {
        var stack = LocalStack.Instance;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Simulator = simulator;
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 10, 3, 4, 0, 0, TimeSpan.Zero));
        Prefix = $"tests/warehouse/{Guid.NewGuid():N}";
        _store = LocalStack.CreateStore(stack.S3Store(Prefix));
        RawZone = new RawZoneStore(_store, Time, NullLogger<RawZoneStore>.Instance);
        var warehouseOptions = Options.Create(warehouse);
        var quality = new QualityRunner(Time, warehouseOptions);
        Loader = new StagingLoader(DataSource, RawZone, quality, warehouseOptions, Time, NullLogger<StagingLoader>.Instance);
        Normalizer = new Normalizer(DataSource, quality, warehouseOptions, Time, NullLogger<Normalizer>.Instance);
        Mart = new MartBuilder(DataSource, quality, warehouseOptions, Time, NullLogger<MartBuilder>.Instance);

        var apiOptions = new VintedApiOptions();
        foreach (var domain in Marketplace.Domains)
        {
            apiOptions.Domains[domain] = new VintedDomainOptions
            {
                SiteBaseUrl = simulator.DomainUrl(domain),
                ApiBaseUrl = simulator.DomainUrl(domain),
                RequestsPerSecond = 5_000,
            };
        }

        _http = new HttpClient(VintedClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        Client = new VintedClient(_http, apiOptions, TimeProvider.System);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>This bed's S3 prefix: every lineage key starts with it.</summary>
    public string Prefix { get; }

    public SimulatorHost Simulator { get; }

    public FakeTimeProvider Time { get; }

    public RawZoneStore RawZone { get; }

    public VintedClient Client { get; }

    public StagingLoader Loader { get; }

    public Normalizer Normalizer { get; }

    public MartBuilder Mart { get; }

    /// <summary>
    /// The searches of every run: two single-catalog searches on pt (EUR), one on pl (PLN, another currency), and a
    /// seller's items on pt, whose items also appear in the pt catalog searches (one listing, two observations).
    /// </summary>
    public IReadOnlyList<VintedSearch> Searches { get; set; } = [];

    /// <summary>Three consecutive simulated days, for tests over several days.</summary>
    public static readonly DateOnly Day3 = new(2026, 10, 3);

    /// <summary>The backfill tests' searches (warehouse and lake): a complete search and a capped one, so listings vanish and go out of view over the days.</summary>
    public static IReadOnlyList<SearchSpec> BackfillSearches { get; } =
    [
        new() { Search = VintedSearch.Catalog("pt") with { CatalogIds = [1206] } },
        new() { Search = VintedSearch.Catalog("pt") with { PerPage = 48 }, MaxPages = 2 },
    ];

    /// <summary>
    /// A fresh database (named after the test class), migrated, plus a simulator small enough to check exactly;
    /// <paramref name="simulator"/> changes the simulator's options, <paramref name="warehouse"/> the warehouse's.
    /// </summary>
    public static async Task<WarehouseTestBed> CreateAsync(string name, Action<SimulatorOptions>? simulator = null, WarehouseOptions? warehouse = null)
    {
        var connectionString = await LocalStack.Instance.CreateDatabaseAsync(name);
        var options = new SimulatorOptions
        {
            Listings = 20_000,
            // Every result reachable: then "not seen today" means sold, and ground truth is the whole search.
            MaxReachableResults = 100_000,
            Date = Day1,
            // A third of the items carry the old string price form: both must land in the same columns.
            Faults = new SimulatorFaults { StringPriceFraction = 0.3 },
        };
        simulator?.Invoke(options);
        var host = await SimulatorHost.StartAsync(options, CancellationToken.None);
        var bed = new WarehouseTestBed(connectionString, host, warehouse ?? new WarehouseOptions());
        await using (var migrateSource = NpgsqlDataSource.Create(connectionString))
        {
            var migrator = new SqlMigrator(migrateSource, NullLogger<SqlMigrator>.Instance);
            await migrator.MigrateAsync(typeof(WarehouseServiceCollectionExtensions).Assembly, "warehouse");
        }

        var seller = host.Marketplace.GroundTruth(Day1, VintedSearch.Catalog("pt") with { CatalogIds = [1206] }).Listings[0].SellerId;
        bed.Searches =
        [
            VintedSearch.Catalog("pt") with { CatalogIds = [1206] },
            VintedSearch.Catalog("pt") with { CatalogIds = [1231] },
            VintedSearch.Catalog("pl") with { CatalogIds = [1206] },
            VintedSearch.Seller("pt", seller),
        ];
        return bed;
    }

    public static string RunId(DateOnly date) => $"run-{date:yyyyMMdd}";

    /// <summary>Fetches every page of every search as of <paramref name="date"/> and stores it with the run's manifest.</summary>
    public async Task<IReadOnlyList<StoredPage>> IngestAsync(DateOnly date, Func<StoredPage, StoredPage>? tamper = null, string? run = null)
    {
        Simulator.State.Date = date;
        var runId = run ?? RunId(date);
        var stored = new List<StoredPage>();
        foreach (var search in Searches)
        {
            for (var page = 1; ; page++)
            {
                var fetched = await Client.FetchPageAsync(search, page, CancellationToken.None);
                var address = new PageAddress(search.Domain, EndpointName(fetched.Endpoint), date, runId, search.Key, page);
                stored.Add(await RawZone.WritePageAsync(
                    new PageToStore(address, fetched.Body, fetched.RequestUri.ToString(), fetched.StatusCode, fetched.ContentType,
                        fetched.FetchedAt, fetched.ItemCount, fetched.Problem is null || fetched.ProblemKind == PageProblemKind.MissingPagination ? null : fetched.Problem),
                    CancellationToken.None));
                if (!fetched.HasNextPage)
                {
                    break;
                }
            }
        }

        var manifest = tamper is null ? stored : stored.Select(tamper).ToList();
        await RawZone.WriteManifestAsync(runId, date, manifest, CancellationToken.None);
        return manifest;
    }

    /// <summary>Stage, normalize and build the mart for one day, as the orchestration's activities will.</summary>
    public async Task RunPipelineAsync(DateOnly date, string? run = null)
    {
        await Loader.LoadAsync(run ?? RunId(date), date, CancellationToken.None);
        await Normalizer.NormalizeAsync(run ?? RunId(date), CancellationToken.None);
        await Mart.BuildAsync(run ?? RunId(date), CancellationToken.None);
    }

    /// <summary>Every listing the searches return on <paramref name="date"/>, per search, from the simulator's ground truth.</summary>
    public IReadOnlyList<(VintedSearch Search, GroundTruthListing Listing)> GroundTruth(DateOnly date) =>
        [.. Searches.SelectMany(s => Simulator.Marketplace.GroundTruth(date, s).Listings.Select(l => (s, l)))];

    /// <summary>Row count and MD5 of every warehouse table (of <paramref name="schemas"/> when given), this bed's S3 prefix taken out.</summary>
    public Task<IReadOnlyDictionary<string, string>> ChecksumsAsync(params string[] schemas) => TableChecksums.ComputeAsync(DataSource, Prefix, schemas);

    public Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, params object[] parameters) => TestSql.QueryAsync(DataSource, sql, map, parameters);

    public Task<long> ScalarAsync(string sql, params object[] parameters) => TestSql.ScalarAsync(DataSource, sql, parameters);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _http.Dispose();
        _store.Dispose();
        await Simulator.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    private static string EndpointName(VintedEndpoint endpoint) => endpoint switch
    {
        VintedEndpoint.CatalogCurrent => "catalog",
        VintedEndpoint.CatalogLegacy => "catalog-legacy",
        VintedEndpoint.SellerUsers => "user-items",
        _ => "wardrobe",
    };
}
