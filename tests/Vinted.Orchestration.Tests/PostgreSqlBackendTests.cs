using System.Diagnostics;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.PostgreSql;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Orchestration.Tests.Infrastructure;
using Vinted.Orchestration.Options;
using CoreStatus = DurableTask.Core.OrchestrationStatus;

namespace Vinted.Orchestration.Tests;

/// <summary>
/// What only the PostgreSQL backend has to prove: leases fence stale workers, hosts share one run, a PostgreSQL
/// restart is survived, and the schema migrates once under concurrent starts. The tests drive the provider's own
/// interface where a stale worker has to be staged by hand.
/// </summary>
public sealed class PostgreSqlBackendTests : IAsyncLifetime
{
    private static readonly TimeSpan ShortLease = TimeSpan.FromSeconds(10);
    private readonly List<PostgreSqlOrchestrationService> _services = [];
    private string _schema = null!;

    public Task InitializeAsync()
    {
        _schema = "dt_" + LocalStack.NewHubName();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }

    [Fact]
    public async Task ActivityCompletion_AfterLeaseExpiredAndTakenByAnother_IsDroppedAndTheNewHoldersResultCounts()
    {
        var (first, second) = (await ServiceAsync(), await ServiceAsync());
        var instance = await ScheduleOneActivityAsync(first);

        var stale = await first.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.NotNull(stale);
        await Task.Delay(ShortLease + TimeSpan.FromSeconds(1)); // the first worker stalls past its lease
        var current = await second.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.NotNull(current);
        Assert.Equal(stale.TaskMessage.Event.EventId, current.TaskMessage.Event.EventId);

        await Assert.ThrowsAsync<InvalidOperationException>(() => first.RenewTaskActivityWorkItemLockAsync(stale));
        await first.CompleteTaskActivityWorkItemAsync(stale, Result(instance, "\"stale\""));
        await second.CompleteTaskActivityWorkItemAsync(current, Result(instance, "\"current\""));

        var next = await second.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        var completed = Assert.IsType<TaskCompletedEvent>(Assert.Single(next.NewMessages).Event);
        Assert.Equal("\"current\"", completed.Result);
    }

    [Fact]
    public async Task Checkpoint_AfterInstanceLeaseExpiredAndTakenByAnother_IsRefusedAndWritesNothing()
    {
        var (first, second) = (await ServiceAsync(), await ServiceAsync());
        var instance = NewInstance();
        await first.CreateTaskOrchestrationAsync(StartMessage(instance), []);

        var stale = await first.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await Task.Delay(ShortLease + TimeSpan.FromSeconds(1));
        var current = await second.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(instance.InstanceId, current.InstanceId);

        await Assert.ThrowsAsync<InvalidOperationException>(() => CheckpointWithActivityAsync(first, stale, instance));
        await CheckpointWithActivityAsync(second, current, instance);

        var history = await first.GetOrchestrationHistoryAsync(instance.InstanceId, null);
        Assert.Equal(1, CountOf(history, "\"EventType\":0")); // one ExecutionStarted: the stale checkpoint wrote nothing
        await using var dataSource = NpgsqlDataSource.Create(LocalStack.Instance.ConnectionString);
        await using var count = dataSource.CreateCommand($"select count(*)::int from {_schema}.activity_tasks");
        Assert.Equal(1, (int)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task TwoHosts_OneFanOut_BothRunActivitiesAndEachRunsOnce()
    {
        var hub = LocalStack.NewHubName();
        await using var a = await StartHostAsync(hub);
        await using var b = await StartHostAsync(hub);

        var id = await a.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOut), 300);
        var status = await b.WaitAsync(id);

        RunAssert.Completed(status);
        Assert.Equal(Enumerable.Range(1, 300).Sum(i => (long)i * i), status.ReadOutputAs<long>());
        var (onA, onB) = (a.Get<Effects>(), b.Get<Effects>());
        var runs = Enumerable.Range(1, 300).Select(i => onA.Count($"square:{id}:{i}") + onB.Count($"square:{id}:{i}")).ToList();
        Assert.All(runs, n => Assert.Equal(1, n));
        Assert.Contains(Enumerable.Range(1, 300), i => onA.Count($"square:{id}:{i}") == 1);
        Assert.Contains(Enumerable.Range(1, 300), i => onB.Count($"square:{id}:{i}") == 1);
    }

    /// <summary>Owns the stack's PostgreSQL for its duration (test classes of this project never run at once).</summary>
    [Fact]
    public async Task PostgresRestartedMidFanOut_InstanceCompletesWithEveryItem()
    {
        await using var host = await StartHostAsync(LocalStack.NewHubName());
        var effects = host.Get<Effects>();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowFanOut), 200);
        await Eventually.WaitForAsync(() => Task.FromResult(effects.Count($"slow-square:{id}") >= 40), TimeSpan.FromSeconds(60));

        await RestartPostgresAsync();
        var status = await host.WaitAsync(id, TimeSpan.FromMinutes(3));

        RunAssert.Completed(status);
        Assert.Equal(Enumerable.Range(1, 200).Sum(i => (long)i * i), status.ReadOutputAs<long>());
        Assert.InRange(effects.Count($"slow-square:{id}"), 200, 400); // a call whose result was lost in the restart runs again
    }

    [Fact]
    public async Task Migration_FourHostsCreateTheHubAtOnce_AppliedOnceAndAChangedScriptIsRefused()
    {
        var services = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ServiceAsync(create: false)));

        await Task.WhenAll(services.Select(s => s.CreateIfNotExistsAsync()));

        await using var dataSource = NpgsqlDataSource.Create(LocalStack.Instance.ConnectionString);
        await using (var versions = dataSource.CreateCommand($"select count(*)::int from {_schema}.schema_versions"))
        {
            Assert.Equal(3, (int)(await versions.ExecuteScalarAsync())!); // 0001_task_hub, 0002_poison and 0003_history_payload, each once
        }

        await using (var tamper = dataSource.CreateCommand($"update {_schema}.schema_versions set checksum = 'edited'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => services[0].CreateIfNotExistsAsync());
        Assert.Contains("0001_task_hub", error.Message, StringComparison.Ordinal);
    }

    private async Task<PostgreSqlOrchestrationService> ServiceAsync(bool create = true)
    {
        var service = new PostgreSqlOrchestrationService(new PostgreSqlOrchestrationServiceSettings
        {
            ConnectionString = LocalStack.Instance.ConnectionString,
            SchemaName = _schema,
            LeaseDuration = ShortLease,
        });
        _services.Add(service);
        if (create)
        {
            await service.CreateIfNotExistsAsync();
            await service.StartAsync();
        }

        return service;
    }

    private static Task<EngineHost> StartHostAsync(string hub) =>
        EngineHost.StartAsync(
            hub,
            engine => engine.AddOrchestrator<FanOut>().AddOrchestrator<SlowFanOut>().AddActivity<Square>().AddActivity<SlowSquare>().AddActivity<Sum>(),
            services: s => s.AddSingleton<Effects>(),
            backend: EngineBackend.PostgreSql);

    private static OrchestrationInstance NewInstance() => new() { InstanceId = Guid.NewGuid().ToString("N"), ExecutionId = Guid.NewGuid().ToString("N") };

    private static TaskMessage StartMessage(OrchestrationInstance instance) => new()
    {
        OrchestrationInstance = instance,
        Event = new ExecutionStartedEvent(-1, "1") { Name = "Staged", Version = "", OrchestrationInstance = instance },
    };

    private static TaskMessage Result(OrchestrationInstance instance, string result) => new()
    {
        OrchestrationInstance = instance,
        Event = new TaskCompletedEvent(-1, 0, result),
    };

    /// <summary>Creates an instance and checkpoints its first turn as an orchestrator that calls one activity would.</summary>
    private static async Task<OrchestrationInstance> ScheduleOneActivityAsync(PostgreSqlOrchestrationService service)
    {
        var instance = NewInstance();
        await service.CreateTaskOrchestrationAsync(StartMessage(instance), []);
        var workItem = await service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await CheckpointWithActivityAsync(service, workItem, instance);
        return instance;
    }

    private static async Task CheckpointWithActivityAsync(PostgreSqlOrchestrationService service, TaskOrchestrationWorkItem workItem, OrchestrationInstance instance)
    {
        var state = workItem.OrchestrationRuntimeState;
        state.AddEvent(new OrchestratorStartedEvent(-1));
        state.AddEvent(workItem.NewMessages[0].Event);
        var scheduled = new TaskScheduledEvent(0) { Name = "Work", Input = "1" };
        state.AddEvent(scheduled);
        state.AddEvent(new OrchestratorCompletedEvent(-1));
        await service.CompleteTaskOrchestrationWorkItemAsync(
            workItem,
            state,
            [new TaskMessage { OrchestrationInstance = instance, Event = scheduled }],
            [],
            [],
            null!,
            new OrchestrationState
            {
                Name = "Staged",
                OrchestrationInstance = instance,
                OrchestrationStatus = CoreStatus.Running,
                Input = "1",
            });
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static async Task RestartPostgresAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(LocalStack.RepoRoot, "infra", "local", "stack.sh"), "restart-postgres"])
        {
            RedirectStandardError = true,
        })!;
        var log = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"stack.sh restart-postgres failed: {log}");
    }
}
