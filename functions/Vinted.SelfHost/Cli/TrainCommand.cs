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

        string[] headers = ["model", "test day", "train rows", "test rows", "MAE", "baseline MAE", "MAPE", "baseline MAPE", "R²", "version", "production", "note"];
        var rows = outcomes.Select(o => new[]
        {
            o.ModelName, o.TestDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", CommandLine.Format(o.TrainRows), CommandLine.Format(o.TestRows),
            Figure(o.Model?.Mae, "0.00"), Figure(o.Baseline?.Mae, "0.00"), Figure(o.Model?.Mape, "0.0%"), Figure(o.Baseline?.Mape, "0.0%"), Figure(o.Model?.R2, "0.000"),
            o.Version?.ToString(CultureInfo.InvariantCulture) ?? "", o.Promoted ? "promoted" : o.Version is null ? "not trained" : "kept", o.Note ?? "",
        }).ToList();
        ConsoleTables.Write(null, headers, rows);
        return 0;
    }

    /// <summary>Reads the command line; an unknown option or a bad date throws naming it.</summary>
    public static (TrainRequest Request, IReadOnlyList<string> Settings) Parse(IReadOnlyList<string> args)
    {
        var request = new TrainRequest();
        var settings = CommandLine.Read(args, Usage, (option, line) =>
        {
            switch (option)
            {
                case "--test-day":
                    request = request with { TestDay = line.Date(option) };
                    return true;
                case "--no-promote":
                    request = request with { Promote = false };
                    return true;
                default:
                    return false;
            }
        });

        return (request, settings);
    }

    private static string Figure(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}
