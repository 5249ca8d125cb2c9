namespace Vinted.Benchmarks;

/// <summary>One named benchmark. Returns the process exit code: non-zero when a checked target was missed.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(BenchmarkArguments arguments, CancellationToken cancellationToken);
}

/// <summary>Options shared by benchmarks: <c>--seconds N --concurrency N --name value</c>.</summary>
internal sealed class BenchmarkArguments(IReadOnlyDictionary<string, string> values)
{
    public static BenchmarkArguments Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                values[name] = "true";
            }
            else if (name is not null)
            {
                values[name] = arg;
                name = null;
            }
        }

        return new BenchmarkArguments(values);
    }

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) && int.TryParse(v, out var n) ? n : fallback;

    public double Double(string name, double fallback) =>
        values.TryGetValue(name, out var v) && double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : fallback;
}
