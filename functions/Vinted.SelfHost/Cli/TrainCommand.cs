using Vinted.Monitoring.Runs;
using System.Globalization;
using Spectre.Console;
using Vinted.Pipeline.Orchestrators;
using Vinted.PriceModel.Training;

namespace Vinted.SelfHost.Cli;

/// <summary>
/// <c>train [--test-day yyyy-MM-dd] [--no-promote] [--Section:Key=value ...]</c>: trains the price models in this process
/// (the <see cref="TrainModel"/> orchestration, as the weekly timer and <c>POST /api/orchestrators/TrainModel</c> start
/// it), then prints each currency's figures against the baseline and the version it registered.
/// </summary>
public static class TrainCommand
{
    private const string Usage = "Usage: train [--test-day yyyy-MM-dd] [--no-promote] [--Section:Key=value]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var (request, settings) = Parse(args);
        var outcomes = await InProcessRun.RunAsync<List<TrainOutcome>>(settings, nameof(TrainModel), request, "Training");
        if (outcomes is null)
        {
            return 1;
        }

        string[] headers = ["model", "test day", "train rows", "test rows", "MAE", "baseline MAE", "MAPE", "baseline MAPE", "R²", "version", "production"];
        var rows = outcomes.Select(o => new[]
        {
            o.ModelName, o.TestDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", Number(o.TrainRows), Number(o.TestRows),
            Figure(o.Model?.Mae, "0.00"), Figure(o.Baseline?.Mae, "0.00"), Figure(o.Model?.Mape, "0.0%"), Figure(o.Baseline?.Mape, "0.0%"), Figure(o.Model?.R2, "0.000"),
            o.Version?.ToString(CultureInfo.InvariantCulture) ?? "", o.Promoted ? "promoted" : o.Note ?? "kept",
        }).ToList();
        WriteTable(headers, rows);
        return 0;
    }

    /// <summary>
    /// A row per model when the console is wide enough for every column, else a figure per line under each model: a
    /// table squeezed below its width cuts headers and breaks values over two lines.
    /// </summary>
    private static void WriteTable(string[] headers, List<string[]> rows)
    {
        // A cell's text plus its padding and border: three characters a column, one more for the closing border.
        var width = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max() + 3).Sum() + 1;
        if (width <= AnsiConsole.Profile.Width)
        {
            var table = new Table().AddColumns(headers);
            rows.ForEach(r => table.AddRow([.. r.Select(Markup.Escape)]));
            AnsiConsole.Write(table);
            return;
        }

        foreach (var row in rows)
        {
            var card = new Table().HideHeaders().AddColumns("figure", "value");
            card.Title = new TableTitle(Markup.Escape(row[0]));
            for (var i = 1; i < headers.Length; i++)
            {
                card.AddRow(Markup.Escape(headers[i]), Markup.Escape(row[i]));
            }

            AnsiConsole.Write(card);
        }
    }

    /// <summary>Reads the command line; an unknown option or a bad date throws naming it.</summary>
    public static (TrainRequest Request, IReadOnlyList<string> Settings) Parse(IReadOnlyList<string> args)
    {
        var request = new TrainRequest();
        var settings = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--test-day":
                    request = request with
                    {
                        TestDay = ++i < args.Count && DateOnly.TryParseExact(args[i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                            ? day
                            : throw new ArgumentException($"--test-day needs a date (yyyy-MM-dd). {Usage}"),
                    };
                    break;
                case "--no-promote":
                    request = request with { Promote = false };
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
                    settings.Add(setting);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. {Usage}");
            }
        }

        return (request, settings);
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Figure(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}
