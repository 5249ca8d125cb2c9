using System.Diagnostics;
using Npgsql;

namespace Vinted.Benchmarks;

/// <summary>
/// Two fixed single-core workloads, timed: one in PostgreSQL (a query's executor over ten million rows) and one in the
/// host (a sort of four million numbers). The same code ran the 1,000,000-listing day in 121 s on one machine and in
/// 128-180 s on another of the same kind two hours later, with no processor time stolen (issue 21): a figure is only
/// comparable with another taken on a machine as fast, and these say how fast it was, before and after the run.
/// </summary>
internal static class MachineSpeed
{
    private const string Query = "select sum(i % 7) from generate_series(1, 10000000) i";

    /// <summary>Each workload's fastest of <paramref name="rounds"/>, in seconds.</summary>
    public static async Task<(double PostgreSql, double Host)> MeasureAsync(string connectionString, int rounds, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"set max_parallel_workers_per_gather = 0; {Query}", connection);
        // The fastest round: one slow round is the machine's noise, every round slow its speed.
        var postgreSql = double.MaxValue;
        var host = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await command.ExecuteScalarAsync(cancellationToken);
            postgreSql = Math.Min(postgreSql, watch.Elapsed.TotalSeconds);
            host = Math.Min(host, SortSeconds());
        }

        return (postgreSql, host);
    }

    private static double SortSeconds()
    {
        var random = new Random(21);
        var numbers = new long[4_000_000];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = random.NextInt64();
        }

        var watch = Stopwatch.StartNew();
        Array.Sort(numbers);
        return watch.Elapsed.TotalSeconds;
    }
}
