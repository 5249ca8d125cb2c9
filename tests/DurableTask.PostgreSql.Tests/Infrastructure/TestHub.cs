using DurableTask.Core;

namespace DurableTask.PostgreSql.Tests.Infrastructure;

/// <summary>
/// One host over the test class's schema: the provider, DurableTask.Core's <see cref="TaskHubWorker"/> running the
/// given orchestrations and activities, and a <see cref="TaskHubClient"/>. The schema is emptied when the hub starts.
/// </summary>
internal sealed class TestHub : IAsyncDisposable
{
    private readonly bool _workerStarted;
    private bool _disposed;

    private TestHub(PostgreSqlOrchestrationService service, TaskHubWorker worker, CapturingLoggerFactory logs, bool workerStarted)
    {
        _workerStarted = workerStarted;
        Service = service;
        Worker = worker;
        Client = new TaskHubClient(service);
        Logs = logs;
    }

    public PostgreSqlOrchestrationService Service { get; }

    public TaskHubWorker Worker { get; }

    public TaskHubClient Client { get; }

    public CapturingLoggerFactory Logs { get; }

    /// <summary>Generous for a loaded 2-core machine: waits end as soon as the instance finishes.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(90);

    public static async Task<TestHub> StartAsync(
        HubSchema schema,
        Type[] orchestrations,
        Type[]? activities = null,
        Func<PostgreSqlOrchestrationServiceSettings, PostgreSqlOrchestrationServiceSettings>? configure = null,
        bool recreate = true,
        bool startWorker = true,
        ObjectCreator<TaskActivity>[]? activityCreators = null)
    {
        var settings = new PostgreSqlOrchestrationServiceSettings { ConnectionString = TestDatabase.ConnectionString, SchemaName = schema.Name };
        settings = configure?.Invoke(settings) ?? settings;
        var logs = new CapturingLoggerFactory();
        var service = new PostgreSqlOrchestrationService(settings, logs);
        await service.CreateAsync(recreateInstanceStore: recreate);
        var worker = new TaskHubWorker(service, logs);
        worker.AddTaskOrchestrations(orchestrations);
        worker.AddTaskActivities(activities ?? []);
        worker.AddTaskActivities(activityCreators ?? []);
        if (startWorker)
        {
            await worker.StartAsync();
        }

        return new TestHub(service, worker, logs, startWorker);
    }

    /// <summary>Waits for the instance to finish; fails the test with its last state when it does not.</summary>
    public async Task<OrchestrationState> WaitAsync(OrchestrationInstance instance)
    {
        var state = await Client.WaitForOrchestrationAsync(instance, Patience);
        if (state is null)
        {
            var last = await Client.GetOrchestrationStateAsync(instance.InstanceId);
            Assert.Fail($"{instance.InstanceId} did not finish within {Patience}: {last?.OrchestrationStatus.ToString() ?? "no state"}");
        }

        return state;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_workerStarted)
        {
            await Worker.StopAsync(isForced: true);
        }

        await Service.DisposeAsync();
    }
}
