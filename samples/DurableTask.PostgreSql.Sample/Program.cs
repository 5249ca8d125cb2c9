using DurableTask.Core;
using DurableTask.PostgreSql;
using DurableTask.PostgreSql.Sample;

// The smallest use of the package: migrate a task hub, run a worker, start an orchestration and print its result.
// The connection string comes from DURABLETASK_SAMPLE_CONNECTION, else ConnectionStrings__Warehouse (./vinted stack up).
var connection = Environment.GetEnvironmentVariable("DURABLETASK_SAMPLE_CONNECTION") is { Length: > 0 } own ? own
    : Environment.GetEnvironmentVariable("ConnectionStrings__Warehouse")
      ?? throw new InvalidOperationException("Set DURABLETASK_SAMPLE_CONNECTION to an Npgsql connection string.");

await using var service = new PostgreSqlOrchestrationService(new PostgreSqlOrchestrationServiceSettings { ConnectionString = connection, SchemaName = "dt_sample" });
await service.MigrateAsync();

var worker = new TaskHubWorker(service);
worker.AddTaskOrchestrations(typeof(Greetings));
worker.AddTaskActivities(typeof(SayHello));
await worker.StartAsync();

var client = new TaskHubClient(service);
var instance = await client.CreateOrchestrationInstanceAsync(typeof(Greetings), new[] { "Tokyo", "Seattle", "London" });
var state = await client.WaitForOrchestrationAsync(instance, TimeSpan.FromMinutes(2));
await worker.StopAsync(isForced: true);

Console.WriteLine($"{instance.InstanceId}: {state?.OrchestrationStatus.ToString() ?? "not finished"} {state?.Output}");
return state?.OrchestrationStatus == OrchestrationStatus.Completed ? 0 : 1;
