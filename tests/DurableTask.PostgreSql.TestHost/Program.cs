using DurableTask.Core;
using DurableTask.PostgreSql;
using DurableTask.PostgreSql.TestHost;

// Runs a TaskHubWorker over an already migrated hub until SIGTERM. Settings come from the environment (HostSettings).
var host = HostSettings.FromEnvironment();
using var logs = new ConsoleLoggerFactory(host.Name);
await using var service = new PostgreSqlOrchestrationService(host.ProviderSettings(), logs);
Effects.Initialize(host);

var worker = new TaskHubWorker(service, logs);
worker.AddTaskOrchestrations(typeof(CrashOrReport), typeof(FanOut), typeof(Chain));
worker.AddTaskActivities(typeof(KillsItsProcess), typeof(RecordEffect));
await worker.StartAsync();
Console.WriteLine($"ready {host.Name} pid {Environment.ProcessId}");

var stopping = new TaskCompletionSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    context =>
    {
        context.Cancel = true;
        stopping.TrySetResult();
    });
await stopping.Task;
await worker.StopAsync(isForced: true);
Console.WriteLine($"stopped {host.Name}");
