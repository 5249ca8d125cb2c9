using Vinted.Api.Models;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Options;
using Vinted.Simulator;

namespace Vinted.Testing;

/// <summary>
/// The demo world behind <see cref="PipelineHost.StartDemoAsync"/>: three domains, two currencies, three catalogs per
/// domain, run for a few consecutive days so the pages have runs, a warehouse and a mart to show. Used by the
/// monitoring API tests and the browser tests.
/// </summary>
public static class DemoDays
{
    public static readonly DateOnly FirstDay = new(2026, 10, 1);

    public static IReadOnlyList<string> Domains { get; } = ["pt", "fr", "pl"];

    /// <summary>Three catalogs per domain, each read to its last page, so disappearance is judged on whole results.</summary>
    public static IReadOnlyList<SearchSpec> Searches { get; } =
    [
        .. Domains.SelectMany(d => new long[] { 1206, 1231, 2094 }.Select(c =>
            new SearchSpec { Search = VintedSearch.Catalog(d) with { CatalogIds = [c], PerPage = 96 }, MaxPages = 50 })),
    ];

    /// <summary>The last day's faults: a few pages arrive as broken JSON (quarantined, shown on the run page), a few 503s are retried.</summary>
    public static SimulatorFaults LastDayFaults { get; } = new() { MalformedJsonRate = 0.03, ServerErrorRate = 0.05, MaxFaultedAttempts = 1 };

    /// <summary>About 900 listings per catalog and domain on a day, a few dozen new and vanished each day.</summary>
    public static SimulatorOptions Simulator => new() { Listings = 30_000, Date = FirstDay, MaxReachableResults = 100_000 };

    /// <summary>The one setting the demo host adds: every catalog is read to its end.</summary>
    public static IReadOnlyList<string> Settings { get; } = ["--Ingestion:MaxReachableResults=100000"];
}
