using Vinted.Orchestration.Options;

namespace Vinted.Benchmarks;

/// <summary>The function app's settings every benchmark host shares: its database, no listener in the way, no timer, its own hub.</summary>
internal static class BenchmarkHost
{
    public static string[] Arguments(string connectionString, EngineBackend backend, string hub, int concurrentActivities) =>
    [
        $"--ConnectionStrings:Warehouse={connectionString}",
        "--Http:Urls=http://127.0.0.1:0",
        "--Schedule:Enabled=false",
        "--Logging:LogLevel:Default=Warning",
        $"--DurableTask:Backend={backend}",
        $"--DurableTask:HubName={hub}",
        $"--DurableTask:MaxConcurrentActivities={concurrentActivities}",
        "--DurableTask:Retention=00:00:00",
    ];
}
