using Vinted.Monitoring.Runs;

namespace Vinted.SelfHost.Cli;

/// <summary>The command line of <c>run</c>: <c>[--demo] [--date yyyy-MM-dd] [--max-pages N] [--listings N] [--Section:Key=value ...]</c>.</summary>
public sealed record RunOptions(bool Demo, DateOnly? Date, int? MaxPages, long DemoListings, IReadOnlyList<string> Settings)
{
    private const string Usage = "Usage: run [--demo] [--date yyyy-MM-dd] [--max-pages N] [--listings N] [--Section:Key=value]";

    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        bool demo = false;
        DateOnly? date = null;
        int? maxPages = null;
        long listings = 200_000;
        var settings = CommandLine.Read(args, Usage, (option, line) =>
        {
            switch (option)
            {
                case "--demo":
                    demo = true;
                    return true;
                case "--date":
                    date = line.Date(option);
                    return true;
                case "--max-pages":
                    maxPages = line.Number<int>(option);
                    return true;
                case "--listings":
                    listings = line.Number<long>(option);
                    return true;
                default:
                    return false;
            }
        });

        return new RunOptions(demo, date, maxPages, listings, settings);
    }
}
