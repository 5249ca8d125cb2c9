using System.Text.Json;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Orchestration.Http;
using Vinted.Orchestration.Tests.Infrastructure;
using Vinted.Orchestration.Options;
using Core = DurableTask.Core;

namespace Vinted.Orchestration.Tests;

/// <summary>Calls <see cref="NulThrower"/> once, without retries.</summary>
public sealed class NulFailing : TaskOrchestrator<bool, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, bool fail) =>
        context.CallActivityAsync<string>(nameof(NulThrower), fail);
}

/// <summary>Fails with a NUL character in its message (PostgreSQL text cannot hold one: it broke the old engine).</summary>
public sealed class NulThrower : TaskActivity<bool, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, bool fail) =>
        fail ? throw new InvalidOperationException("bad byte \0 inside the message") : Task.FromResult("ok");
}

/// <summary>A quick step (task 0), then a slow one (task 1).</summary>
public sealed class TwoSteps : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int input)
    {
        var quick = await context.CallActivityAsync<int>(nameof(AddOne), input);
        var slow = await context.CallActivityAsync<string>(nameof(Slow), new SlowInput("slow", 3000));
        return $"{quick}:{slow}";
    }
}

/// <summary>One slow step whose result is its tag.</summary>
public sealed class SlowTagged : TaskOrchestrator<SlowInput, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, SlowInput input) =>
        context.CallActivityAsync<string>(nameof(Slow), input);
}

/// <summary>Deliveries that broke the old engine: odd bytes, duplicates, late results from a replaced run.</summary>
public abstract class FailureScenarioTests(EngineBackend backend) : IAsyncLifetime
{
    private EngineHost _host = null!;
    private Effects _effects = null!;

    public async Task InitializeAsync()
    {
        _host = await EngineHost.StartAsync(
            LocalStack.NewHubName(),
            engine => engine
                .AddOrchestrator<NulFailing>().AddOrchestrator<TwoSteps>().AddOrchestrator<SlowTagged>()
                .AddActivity<NulThrower>().AddActivity<AddOne>().AddActivity<Slow>(),
            services: s => s.AddSingleton<Effects>(),
            backend: backend);
        _effects = _host.Get<Effects>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ActivityFails_NulCharacterInMessage_InstanceFailsReadablyAndNextRunCompletes()
    {
        var failed = await _host.RunAsync(nameof(NulFailing), true);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        var error = InstanceStatus.From(failed).Error!;
        Assert.Contains("bad byte", error, StringComparison.Ordinal);
        Assert.Contains("inside the message", error, StringComparison.Ordinal);
        var step = Assert.Single((await _host.History.ReadAsync(failed.InstanceId, CancellationToken.None)).Steps);
        Assert.Equal("Failed", step.Status);
        Assert.Contains("inside the message", Assert.Single(step.Failures).Error, StringComparison.Ordinal);

        var next = await _host.RunAsync(nameof(NulFailing), false);

        RunAssert.Completed(next);
        Assert.Equal("ok", next.ReadOutputAs<string>());
    }

    [Fact]
    public async Task StepDeliveredTwice_WhileRunningAndAfterCompletion_ResultUnchanged()
    {
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TwoSteps), 5);
        await Eventually.WaitForAsync(() => Task.FromResult(_effects.Count($"slow-start:{id}:slow") == 1), TimeSpan.FromSeconds(60));
        var executionId = await ExecutionIdAsync(id);

        // Task 0 has completed and task 1 runs: task 0's completion comes again, with another result.
        await SendCompletionAsync(id, executionId, taskScheduledId: 0);
        var done = await _host.WaitAsync(id);

        RunAssert.Completed(done);
        Assert.Equal("6:slow", done.ReadOutputAs<string>());

        // After completion both tasks' completions come again.
        await SendCompletionAsync(id, executionId, taskScheduledId: 0);
        await SendCompletionAsync(id, executionId, taskScheduledId: 1);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(500);
            var status = await _host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            RunAssert.Completed(status);
            Assert.Equal("6:slow", status.ReadOutputAs<string>());
        }

        var steps = (await _host.History.ReadAsync(id, CancellationToken.None)).Steps;
        Assert.Equal([("AddOne", "Completed"), ("Slow", "Completed")], steps.Select(s => (s.Name, s.Status)));
        Assert.Equal(1, _effects.Count($"add:{id}:5"));
        Assert.Equal(1, _effects.Count($"slow-start:{id}:slow"));
    }

    [Fact]
    public async Task TerminatePurgeStart_OldActivityFinishesLate_NewRunKeepsItsOwnResult()
    {
        var id = $"reused-{Guid.NewGuid():N}";
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowTagged), new SlowInput("old", 5000), new StartOrchestrationOptions(id));
        await Eventually.WaitForAsync(() => Task.FromResult(_effects.Count($"slow-start:{id}:old") == 1), TimeSpan.FromSeconds(60));

        await _host.Client.TerminateInstanceAsync(id, "replaced");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await _host.WaitAsync(id)).RuntimeStatus);
        Assert.Equal(1, (await _host.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);
        Assert.Equal(0, _effects.Count($"slow-done:{id}:old")); // the old activity is still running
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowTagged), new SlowInput("new", 10000), new StartOrchestrationOptions(id));

        await Eventually.WaitForAsync(() => Task.FromResult(_effects.Count($"slow-done:{id}:old") == 1), TimeSpan.FromSeconds(60));
        var status = await _host.WaitAsync(id);

        Assert.Equal(1, _effects.Count($"slow-done:{id}:new")); // it finished by its own result, not the old one
        RunAssert.Completed(status);
        Assert.Equal("new", status.ReadOutputAs<string>());
        Assert.Equal("new", status.ReadInputAs<SlowInput>()!.Tag);
        var step = Assert.Single((await _host.History.ReadAsync(id, CancellationToken.None)).Steps);
        Assert.Equal(("Slow", 1, "Completed"), (step.Name, step.Attempts, step.Status));
        var events = await HistoryEventTypesAsync(id);
        Assert.Equal(1, events.Count(e => e == EventType.ExecutionStarted));
        Assert.Equal(1, events.Count(e => e == EventType.TaskScheduled));
        Assert.Equal(1, events.Count(e => e == EventType.TaskCompleted));
    }

    private async Task<string> ExecutionIdAsync(string id)
    {
        var states = await _host.Store.Client.GetOrchestrationStateAsync(id, allExecutions: false);
        return Assert.Single(states).OrchestrationInstance.ExecutionId;
    }

    /// <summary>A completion of task <paramref name="taskScheduledId"/> sent straight to the store, as a redelivery would come.</summary>
    private Task SendCompletionAsync(string id, string executionId, int taskScheduledId) =>
        _host.Store.Client.SendTaskOrchestrationMessageAsync(new Core.TaskMessage
        {
            OrchestrationInstance = new Core.OrchestrationInstance { InstanceId = id, ExecutionId = executionId },
            Event = new TaskCompletedEvent(-1, taskScheduledId, "\"bogus\""),
        });

    private async Task<List<EventType>> HistoryEventTypesAsync(string id)
    {
        var json = await _host.Store.Client.GetOrchestrationHistoryAsync(id, executionId: null);
        return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => (EventType)e.GetProperty("EventType").GetInt32()).ToList();
    }
}

/// <summary>The suite on the PostgreSQL backend (the self-hosted default).</summary>
public sealed class FailureScenarioTestsOnPostgreSql() : FailureScenarioTests(EngineBackend.PostgreSql);

/// <summary>The same suite on the Azure Storage provider over Azurite: the reference.</summary>
public sealed class FailureScenarioTestsOnAzureStorage() : FailureScenarioTests(EngineBackend.AzureStorage);
