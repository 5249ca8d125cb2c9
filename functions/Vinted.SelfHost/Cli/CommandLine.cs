using System.Globalization;

namespace Vinted.SelfHost.Cli;

/// <summary>
/// How every command reads its arguments: its own options, and settings (<c>--Section:Key=value</c>) passed on to the
/// host's configuration. A bad or unknown option throws an <see cref="ArgumentException"/> that names it and ends with
/// the command's usage line.
/// </summary>
internal sealed class CommandLine
{
    private readonly IReadOnlyList<string> _args;
    private int _next;

    private CommandLine(IReadOnlyList<string> args, string usage)
    {
        _args = args;
        Usage = usage;
    }

    public string Usage { get; }

    /// <summary>
    /// Walks <paramref name="args"/>: settings are returned; every other option goes to <paramref name="option"/>, which
    /// reads its value with <see cref="Value"/>, <see cref="Date"/> or <see cref="Number{T}"/> and returns false for an
    /// option it does not know.
    /// </summary>
    public static IReadOnlyList<string> Read(IReadOnlyList<string> args, string usage, Func<string, CommandLine, bool> option)
    {
        var line = new CommandLine(args, usage);
        var settings = new List<string>();
        while (line._next < args.Count)
        {
            var name = args[line._next++];
            if (name.StartsWith("--", StringComparison.Ordinal) && name.Contains('=', StringComparison.Ordinal))
            {
                settings.Add(name);
            }
            else if (!option(name, line))
            {
                throw new ArgumentException($"Unknown option '{name}'. {usage}");
            }
        }

        return settings;
    }

    /// <summary>The value after <paramref name="option"/>.</summary>
    public string Value(string option) =>
        _next < _args.Count ? _args[_next++] : throw new ArgumentException($"{option} needs a value. {Usage}");

    /// <summary>The date (yyyy-MM-dd) after <paramref name="option"/>.</summary>
    public DateOnly Date(string option) =>
        DateOnly.TryParseExact(Value(option), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ArgumentException($"{option} needs a date (yyyy-MM-dd). {Usage}");

    /// <summary>The whole number after <paramref name="option"/>.</summary>
    public T Number<T>(string option)
        where T : IParsable<T> =>
        T.TryParse(Value(option), CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"{option} needs a number. {Usage}");

    /// <summary>A count as the commands print it: 1,234,567.</summary>
    public static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
