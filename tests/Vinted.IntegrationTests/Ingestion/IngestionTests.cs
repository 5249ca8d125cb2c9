using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Api.Models;
using Vinted.Functions.Ingestion;
using Vinted.Functions.Pipeline;
using Vinted.IntegrationTests.Infrastructure;
using Vinted.Orchestration;
using Vinted.RawZone;
using Vinted.Simulator;

namespace Vinted.IntegrationTests.Ingestion;

/// <summary>Ingestion through the real orchestration, the simulator over HTTP and the S3 server.</summary>
public sealed class IngestionTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 10, 1);
    private PipelineHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PipelineHost.StartAsync(nameof(IngestionTests), new SimulatorOptions { Listings = 20_000, Date = Day, MaxReachableResults = 480 }, "--Ingestion:MaxReachableResults=480");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Run_CatalogAndSellerSearches_StoresEveryPageUnderDocumentedKeysAsGroundTruthSays()
    {
        var catalog = new VintedSearch { Domain = "pt", CatalogIds = [1904], PerPage = 48, Order = "newest_first" };
        var capped = new VintedSearch { Domain = "fr", PerPage = 96 };
        var truthCatalog = _host.Simulator.Marketplace.GroundTruth(Day, catalog);
        var seller = VintedSearch.Seller("pt", truthCatalog.Listings[0].SellerId);
        var truthSeller = _host.Simulator.Marketplace.GroundTruth(Day, seller);
        var truthCapped = _host.Simulator.Marketplace.GroundTruth(Day, capped);

        var status = await _host.RunAsync(new PipelineInput
        {
            Date = Day,
            Searches = [new() { Search = catalog }, new() { Search = seller }, new() { Search = capped, MaxPages = 2 }],
        });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, status.RuntimeStatus);
        var report = status.ReadOutputAs<RunReport>()!;
        var rawZone = _host.Services.GetRequiredService<RawZoneStore>();
        var manifest = (await rawZone.ReadManifestAsync(status.InstanceId, Day, CancellationToken.None))!;
        Assert.Equal(report.Ingestion.ManifestKey, $"{_host.S3Prefix}/manifests/dt=2026-10-01/run={status.InstanceId}.json");

        // Every reachable page of the uncapped searches, two pages of the capped one.
        int Pages(int count, int perPage) => Math.Max(1, (count + perPage - 1) / perPage);
        var expectedPages = Pages(truthCatalog.Listings.Count, 48) + Pages(truthSeller.Listings.Count, 96) + 2;
        Assert.True(expectedPages == manifest.PageCount, string.Join("\n", manifest.Pages.Select(p => $"{p.Address.SearchKey} {p.Address.Page} {p.ItemCount}")) + $"\ntruth {truthCatalog.Listings.Count} {truthSeller.Listings.Count}");
        Assert.Equal(expectedPages, report.Ingestion.Pages);
        Assert.Equal(truthCatalog.Listings.Count + truthSeller.Listings.Count + 2 * 96, manifest.ItemCount);
        Assert.True(truthCapped.Listings.Count > 2 * 96, "the cap must be what stops the third search");
        Assert.Equal(0, manifest.QuarantinedCount);

        var first = manifest.Pages.Single(p => p.Address.SearchKey == catalog.Key && p.Address.Page == 1);
        Assert.Equal($"{_host.S3Prefix}/raw/pt/catalog/dt=2026-10-01/run={status.InstanceId}/{catalog.Key}/page=00001.json", first.Key);
        Assert.Contains("attribute_ids", Uri.UnescapeDataString(first.RequestUrl), StringComparison.Ordinal);
        foreach (var page in manifest.Pages)
        {
            var body = await rawZone.ReadPageAsync(page, CancellationToken.None);
            var metadata = await rawZone.ReadMetadataAsync(page.Key, CancellationToken.None);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), metadata["sha256"]);
            Assert.Equal(page.ItemCount.ToString(System.Globalization.CultureInfo.InvariantCulture), metadata["item-count"]);
            Assert.Equal("200", metadata["http-status"]);
        }

        // The pages hold exactly the ground truth's listings, in order.
        var catalogIds = new List<long>();
        foreach (var page in manifest.Pages.Where(p => p.Address.SearchKey == catalog.Key).OrderBy(p => p.Address.Page))
        {
            using var json = JsonDocument.Parse(await rawZone.ReadPageAsync(page, CancellationToken.None));
            catalogIds.AddRange(json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        }

        Assert.Equal(truthCatalog.Listings.Select(l => l.Id), catalogIds);
    }

    [Fact]
    public async Task Run_MalformedBodies_AreQuarantinedReportedAndDoNotStopTheRun()
    {
        _host.Simulator.State.Faults = new SimulatorFaults { MalformedJsonRate = 0.3, TruncatedBodyRate = 0.2 };
        try
        {
            var search = new VintedSearch { Domain = "pt", PerPage = 24 };

            var status = await _host.RunAsync(new PipelineInput { Date = Day, Searches = [new() { Search = search, MaxPages = 12 }] });

            Assert.Equal(OrchestrationRuntimeStatus.Completed, status.RuntimeStatus);
            var report = status.ReadOutputAs<RunReport>()!.Ingestion;
            Assert.InRange(report.QuarantinedPages, 1, 11);
            Assert.All(report.QuarantinedKeys, k => Assert.StartsWith($"{_host.S3Prefix}/quarantine/pt/catalog/dt=2026-10-01/", k, StringComparison.Ordinal));
            var rawZone = _host.Services.GetRequiredService<RawZoneStore>();
            var manifest = (await rawZone.ReadManifestAsync(status.InstanceId, Day, CancellationToken.None))!;
            Assert.Equal(report.QuarantinedKeys.Order(), manifest.Pages.Where(p => p.Quarantined).Select(p => p.Key).Order());
            foreach (var page in manifest.Pages.Where(p => p.Quarantined))
            {
                Assert.Contains("malformed", (await rawZone.ReadMetadataAsync(page.Key, CancellationToken.None))["problem"], StringComparison.OrdinalIgnoreCase);
                Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(rawZone.ReadPageAsync(page, CancellationToken.None).Result));
            }
        }
        finally
        {
            _host.Simulator.State.Faults = new SimulatorFaults();
        }
    }

    [Fact]
    public async Task FetchPage_RunTwice_RewritesTheSameObject()
    {
        var fetch = _host.Services.GetRequiredService<FetchPage>();
        var request = new PageRequest("rerun-1", Day, new VintedSearch { Domain = "pt", PerPage = 10 }, 2);
        var context = new TaskActivityContext("rerun-1", 0, nameof(FetchPage), 1);

        var first = await fetch.RunAsync(context, request, CancellationToken.None);
        var second = await fetch.RunAsync(context with { Attempt = 2 }, request, CancellationToken.None);

        Assert.Equal(first.Stored.Key, second.Stored.Key);
        Assert.Equal(first.Stored.Sha256, second.Stored.Sha256);
        using var s3 = LocalStack.Instance.CreateS3Client();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = LocalStack.Instance.Bucket, Prefix = $"{_host.S3Prefix}/raw/pt/catalog/dt=2026-10-01/run=rerun-1/" });
        Assert.Single(listing.S3Objects);
    }

    [Fact]
    public async Task Start_InvalidSearchInInput_Is400BeforeAnythingRuns()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _host.Client.StartNewAsync(
            "DailyPipeline",
            JsonDocument.Parse("""{"searches":[{"search":{"domain":"pt","perPage":500}}]}""").RootElement));

        Assert.Contains("PerPage", error.Message, StringComparison.Ordinal);
    }
}
