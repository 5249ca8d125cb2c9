using Vinted.Monitoring.Runs;
using System.Globalization;
using Spectre.Console;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Orchestrators;

namespace Vinted.SelfHost.Cli;

/// <summary>
/// <c>backfill --from yyyy-MM-dd --to yyyy-MM-dd [--Section:Key=value ...]</c>: digests the stored days of the range
/// again, in date order, in this process (the <see cref="Backfill"/> orchestration, as <c>POST /api/backfills</c> starts
/// it), then prints what each day gave. Fetches nothing: it reads the raw zone.
/// </summary>
public static class BackfillCommand
{
    private const string Usage = "Usage: backfill --from yyyy-MM-dd --to yyyy-MM-dd [--Section:Key=value]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var (input, settings) = Parse(args);
        var report = await InProcessRun.RunAsync<BackfillReport>(settings, nameof(Backfill), input, $"Backfill of {input.From:yyyy-MM-dd}..{input.To:yyyy-MM-dd}");
        if (report is null)
        {
            return 1;
        }

        var table = new Table().AddColumns("day", "run", "rows", "rejected", "listings", "vanished", "out of view", "mart days rebuilt", "seconds");
        foreach (var day in report.Days)
        {
            table.AddRow(
                day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Markup.Escape(day.RunId), CommandLine.Format(day.Staging.Rows), CommandLine.Format(day.Staging.ItemProblems),
                CommandLine.Format(day.Normalize.Listings), CommandLine.Format(day.Normalize.Vanished), CommandLine.Format(day.Normalize.OutOfView), CommandLine.Format(day.Mart.RebuiltDays.Count + 1),
                day.StageSeconds.Values.Sum().ToString("0.0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        if (report.DaysWithoutData.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]No stored run[/] for {string.Join(", ", report.DaysWithoutData.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}.");
        }

        return 0;
    }

    /// <summary>Reads the command line; a missing or bad date, or a range the backfill refuses, throws naming it.</summary>
    public static (BackfillInput Input, IReadOnlyList<string> Settings) Parse(IReadOnlyList<string> args) => Parse(args, Usage);

    /// <summary>Reads <c>--from</c>, <c>--to</c> and settings for a command over a date range; errors end with <paramref name="usage"/>.</summary>
    internal static (BackfillInput Input, IReadOnlyList<string> Settings) Parse(IReadOnlyList<string> args, string usage)
    {
        DateOnly? from = null, to = null;
        var settings = CommandLine.Read(args, usage, (option, line) =>
        {
            switch (option)
            {
                case "--from":
                    from = line.Date(option);
                    return true;
                case "--to":
                    to = line.Date(option);
                    return true;
                default:
                    return false;
            }
        });

        if (from is null || to is null)
        {
            throw new ArgumentException($"--from and --to are required. {usage}");
        }

        return (new BackfillInput(from.Value, to.Value, "cli"), settings);
    }
}
