using Vinted.Benchmarks;

// dotnet run --project tests/Vinted.Benchmarks -c Release -- <benchmark> [--seconds N] [--concurrency N] ...
// Add a benchmark: a new IBenchmark file and one line below.
IBenchmark[] benchmarks = [new ClientBenchmark(), new OrchestrationBenchmark(), new WarehouseBenchmark(), new PipelineBenchmark(), new ProxyBenchmark(), new LakeBenchmark(), new ModelBenchmark(), new ParseBenchmark()];

var chosen = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
if (chosen is null)
{
    Console.WriteLine("usage: Vinted.Benchmarks <benchmark> [options]");
    foreach (var benchmark in benchmarks)
    {
        Console.WriteLine($"  {benchmark.Name,-14} {benchmark.Description}");
    }

    return args.Length == 0 ? 0 : 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await chosen.RunAsync(BenchmarkArguments.Parse(args.Skip(1)), cancel.Token);
