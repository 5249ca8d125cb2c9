using System.Globalization;
using Spectre.Console;
using Vinted.Pipeline.Orchestrators;
using Vinted.PriceModel.Training;

namespace Vinted.Functions.Cli;

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

        var table = new Table().AddColumns("model", "test day", "train rows", "test rows", "MAE", "baseline MAE", "MAPE", "baseline MAPE", "R²", "version", "production");
        foreach (var o in outcomes)
        {
            table.AddRow(
                Markup.Escape(o.ModelName), o.TestDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", Number(o.TrainRows), Number(o.TestRows),
                Figure(o.Model?.Mae, "0.00"), Figure(o.Baseline?.Mae, "0.00"), Figure(o.Model?.Mape, "0.0%"), Figure(o.Baseline?.Mape, "0.0%"), Figure(o.Model?.R2, "0.000"),
                o.Version?.ToString(CultureInfo.InvariantCulture) ?? "", o.Promoted ? "promoted" : Markup.Escape(o.Note ?? "kept"));
        }

        AnsiConsole.Write(table);
        return 0;
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
