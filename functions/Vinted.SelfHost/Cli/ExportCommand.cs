using Vinted.ObjectStore;
using Vinted.Monitoring.Runs;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Vinted.SelfHost.Hosting;
using Vinted.Lake;

namespace Vinted.SelfHost.Cli;

/// <summary>
/// <c>export --from yyyy-MM-dd --to yyyy-MM-dd [--Section:Key=value ...]</c>: writes every day of the range the mart
/// holds to the lake (each fact table's day as a Parquet partition, then the current dimensions), day by day, each
/// streamed from PostgreSQL in row groups of bounded size: the history of a mart that predates the lake, or a lake
/// rebuilt from scratch. A day already in the lake is replaced the way the pipeline replaces it.
/// </summary>
public static class ExportCommand
{
    private const string Usage = "Usage: export --from yyyy-MM-dd --to yyyy-MM-dd [--Section:Key=value]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        // A reversed or overlong range is refused here, naming the field, as a backfill's is.
        var (range, settings) = BackfillCommand.Parse(args, Usage);

        await using var app = FunctionApp.Build([.. RunCommand.InProcessSettings, .. settings]);
        var writer = app.Services.GetRequiredService<LakeWriter>();
        var store = app.Services.GetRequiredService<LakeStore>();
        var objects = app.Services.GetRequiredService<IObjectStore>();
        var days = await writer.MartDaysAsync(range.From, range.To, CancellationToken.None);
        AnsiConsole.MarkupLineInterpolated($"Exporting {days.Count} mart days of {range.From:yyyy-MM-dd}..{range.To:yyyy-MM-dd} to {objects.Location(store.Keys.Root)}");
        var table = new Table().AddColumns("day", "listings", "vanished", "out of view", "MiB", "seconds");
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        foreach (var day in days)
        {
            // Day by day: each day is switched as soon as it is written, so an interrupted export keeps what it finished.
            var result = await writer.WriteAsync([day], CancellationToken.None, dimensions: false);
            bytes += result.Bytes;
            long Rows(string name) => result.Writes.Where(w => w.Table == name && w.Day == day).Sum(w => w.Rows);
            table.AddRow(
                day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), CommandLine.Format(Rows("fact_listing_daily")), CommandLine.Format(Rows("fact_listing_vanished")),
                CommandLine.Format(Rows("fact_listing_out_of_view")), (result.Bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture),
                result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        }

        var dimensions = await writer.WriteAsync([], CancellationToken.None);
        bytes += dimensions.Bytes;
        table.AddRow("dimensions", CommandLine.Format(dimensions.Rows), "", "", (dimensions.Bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture),
            dimensions.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{days.Count} days, {bytes / 1024.0 / 1024.0:N1} MiB in {clock.Elapsed.TotalSeconds:N1} s; manifests: {objects.Location(store.Keys.Root)}<table>/{LakeKeys.ManifestName}");
        return 0;
    }
}
