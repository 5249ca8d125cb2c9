using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Api;
using Vinted.Api.Models;
using Vinted.Pipeline.Models;
using Vinted.RawZone;
using Vinted.Warehouse.Staging;

namespace Vinted.Benchmarks;

/// <summary>A stage's floor: the same work done the simplest way, in the same run, on the same data.</summary>
internal sealed record StageFloor(string Stage, double Seconds, string What);

/// <summary>
/// Measures, after a pipeline run, each stage's floor on the run's own pages and rows: what the stage's work costs with
/// no engine, no history and no checks. A stage far above its floor spends its time on something other than its data.
/// </summary>
internal static class PipelineFloors
{
    // Pages held in memory at once: the floors must not need the day's bodies all together.
    private const int Chunk = 512;

    public static async Task<IReadOnlyList<StageFloor>> MeasureAsync(
        IServiceProvider services, string connectionString, RunReport report, IReadOnlyList<VintedSearch> searches, int concurrency, CancellationToken cancellationToken)
    {
        var rawZone = services.GetRequiredService<RawZoneStore>();
        var manifest = await rawZone.ReadManifestAsync(report.RunId, report.Date, cancellationToken)
            ?? throw new InvalidOperationException($"run {report.RunId} has no manifest");
        var pages = manifest.Pages.Where(p => !p.Quarantined).ToList();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var floors = new List<StageFloor>
        {
            await IngestionAsync(services, rawZone, pages, searches, concurrency, cancellationToken),
        };
        floors.AddRange(await StagingAsync(rawZone, dataSource, report, pages, cancellationToken));
        floors.Add(await SqlAsync(dataSource, "normalize", "pipeline_floor_normalize", report.Date, "the day's listings, states, sightings and photos inserted into empty tables of the same shape", cancellationToken));
        floors.Add(await SqlAsync(dataSource, "mart", "pipeline_floor_mart", report.Date, "the day's facts, features and aggregates inserted into empty tables of the same shape", cancellationToken));
        return floors;
    }

    /// <summary>The same pages fetched from the simulator and stored in S3, as many at a time as the run's activities, with no orchestration.</summary>
    private static async Task<StageFloor> IngestionAsync(
        IServiceProvider services, RawZoneStore rawZone, IReadOnlyList<StoredPage> pages, IReadOnlyList<VintedSearch> searches, int concurrency, CancellationToken cancellationToken)
    {
        var client = services.GetRequiredService<IVintedClient>();
        var bySearch = searches.ToDictionary(s => (s.Domain, s.Key));
        var run = $"floor{Guid.NewGuid():N}";
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(pages, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (page, token) =>
        {
            var fetched = await client.FetchPageAsync(bySearch[(page.Address.Domain, page.Address.SearchKey)], page.Address.Page, token);
            await rawZone.WritePageAsync(
                new PageToStore(page.Address with { RunId = run }, fetched.Body, fetched.RequestUri.ToString(), fetched.StatusCode, fetched.ContentType, fetched.FetchedAt, fetched.ItemCount, null),
                token);
        });
        return new StageFloor("ingestion", watch.Elapsed.TotalSeconds, $"the {pages.Count:N0} pages fetched and stored, {concurrency} at a time, no orchestration");
    }

    /// <summary>The staging loader's three parts apart: S3 read with its SHA-256 check, parsing on every core, and a binary COPY of the same rows into an unlogged table.</summary>
    private static async Task<IReadOnlyList<StageFloor>> StagingAsync(
        RawZoneStore rawZone, NpgsqlDataSource dataSource, RunReport report, IReadOnlyList<StoredPage> pages, CancellationToken cancellationToken)
    {
        var read = TimeSpan.Zero;
        var parse = TimeSpan.Zero;
        var copy = TimeSpan.Zero;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("create unlogged table floor_staging (like staging.item_observation including defaults)", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var importer = await connection.BeginBinaryImportAsync($"copy floor_staging ({ObservationWriter.Columns}) from stdin (format binary)", cancellationToken))
        {
            importer.Timeout = TimeSpan.FromMinutes(30);
            foreach (var chunk in pages.Chunk(Chunk))
            {
                var bodies = new byte[chunk.Length][];
                var watch = Stopwatch.StartNew();
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, chunk.Length), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                    async (i, token) => bodies[i] = await rawZone.ReadPageAsync(chunk[i], token));
                read += watch.Elapsed;

                var parsed = new PreparedPage[chunk.Length];
                watch.Restart();
                Parallel.For(0, chunk.Length, i => parsed[i] = ObservationWriter.Prepare(chunk[i], bodies[i]));
                parse += watch.Elapsed;

                watch.Restart();
                for (var i = 0; i < chunk.Length; i++)
                {
                    ObservationWriter.Write(importer, report.RunId, report.Date, parsed[i]);
                }

                copy += watch.Elapsed;
            }

            var complete = Stopwatch.StartNew();
            await importer.CompleteAsync(cancellationToken);
            copy += complete.Elapsed;
        }

        return
        [
            new StageFloor("staging", copy.TotalSeconds, "binary COPY of the same rows into an unlogged table, parsed beforehand"),
            new StageFloor("  (read)", read.TotalSeconds, "S3 read and SHA-256 check of the day's pages, 8 at a time"),
            new StageFloor("  (parse)", parse.TotalSeconds, $"JSON parse of the day's pages on {Environment.ProcessorCount} cores"),
        ];
    }

    private static async Task<StageFloor> SqlAsync(NpgsqlDataSource dataSource, string stage, string script, DateOnly day, string what, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(BenchmarkSql.Scripts[script]);
        command.CommandTimeout = 3600;
        command.Parameters.AddWithValue("day", day);
        var watch = Stopwatch.StartNew();
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new StageFloor(stage, watch.Elapsed.TotalSeconds, what);
    }
}
