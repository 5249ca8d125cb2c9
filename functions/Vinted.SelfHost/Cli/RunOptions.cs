using Vinted.Monitoring.Runs;
using System.Globalization;

namespace Vinted.SelfHost.Cli;

/// <summary>The command line of <c>run</c>: <c>[--demo] [--date yyyy-MM-dd] [--max-pages N] [--listings N] [--Section:Key=value ...]</c>.</summary>
public sealed record RunOptions(bool Demo, DateOnly? Date, int? MaxPages, long DemoListings, IReadOnlyList<string> Settings)
{
    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        bool demo = false;
        DateOnly? date = null;
        int? maxPages = null;
        long listings = 200_000;
        var settings = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--demo":
                    demo = true;
                    break;
                case "--date":
                    date = DateOnly.ParseExact(Value(args, ++i, "--date"), "yyyy-MM-dd", CultureInfo.InvariantCulture);
                    break;
                case "--max-pages":
                    maxPages = int.Parse(Value(args, ++i, "--max-pages"), CultureInfo.InvariantCulture);
                    break;
                case "--listings":
                    listings = long.Parse(Value(args, ++i, "--listings"), CultureInfo.InvariantCulture);
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
                    settings.Add(setting);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Usage: run [--demo] [--date yyyy-MM-dd] [--max-pages N] [--listings N] [--Section:Key=value]");
            }
        }

        return new RunOptions(demo, date, maxPages, listings, settings);
    }

    private static string Value(IReadOnlyList<string> args, int i, string option) =>
        i < args.Count ? args[i] : throw new ArgumentException($"{option} needs a value.");
}
