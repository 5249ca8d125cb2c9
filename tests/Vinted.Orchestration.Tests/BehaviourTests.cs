using System.Text.Json;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Orchestration.Tests.Infrastructure;
using Vinted.Orchestration.Options;

namespace Vinted.Orchestration.Tests;

/// <summary>Waits on a durable timer, then reports the orchestration clock before and after.</summary>
public sealed class Sleeper : TaskOrchestrator<int, DateTime[]>
{
    public override async Task<DateTime[]> RunAsync(TaskOrchestrationContext context, int seconds)
    {
        var before = context.CurrentUtcDateTime;
        await context.CreateTimer(before.AddSeconds(seconds), CancellationToken.None);
        return [before, context.CurrentUtcDateTime];
    }
}

/// <summary>Runs <see cref="Chain"/> as two sub-orchestrations, then one that fails, and reports what it saw.</summary>
public sealed class Parent : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int start)
    {
        var first = await context.CallSubOrchestratorAsync<int>(nameof(Chain), new ChainInput(start, 2));
        var second = await context.CallSubOrchestratorAsync<int>(nameof(Chain), new ChainInput(first, 3));
        try
        {
            await context.CallSubOrchestratorAsync<string>(nameof(NonRetryableChild), 0);
            return $"{second}:child did not fail";
        }
        catch (TaskFailedException e)
        {
            return $"{second}:{e.FailureDetails.ErrorMessage}";
        }
    }
}

public sealed class NonRetryableChild : TaskOrchestrator<int, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, int input) =>
        throw new InvalidOperationException("the child gave up");
}

/// <summary>Waits for an external event and doubles its value.</summary>
public sealed class Approval : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input) =>
        input + (2 * await context.WaitForExternalEvent<int>("approval"));
}

/// <summary>Counts to its target by continuing as new, one execution per step.</summary>
public sealed class Counter : TaskOrchestrator<int[], int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int[] input)
    {
        var (value, target) = (input[0], input[1]);
        if (value >= target)
        {
            return value;
        }

        value = await context.CallActivityAsync<int>(nameof(AddOne), value);
        context.ContinueAsNew(new[] { value, target });
        return value;
    }
}

/// <summary>Hands its input to an activity and returns what came back.</summary>
public sealed class Echo : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => context.CallActivityAsync<string>(nameof(EchoActivity), input);
}

public sealed class EchoActivity : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input);
}

/// <summary>
/// What the engine expects of any backend (timers, sub-orchestrations, external events, continue-as-new,
/// suspend/resume, large payloads, purge by time), run against each: the Azure Storage provider is the reference.
/// </summary>
public abstract class BehaviourTests(EngineBackend backend) : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await EngineHost.StartAsync(
            LocalStack.NewHubName(),
            engine => engine
                .AddOrchestrator<Sleeper>().AddOrchestrator<Parent>().AddOrchestrator<Chain>().AddOrchestrator<NonRetryableChild>()
                .AddOrchestrator<Approval>().AddOrchestrator<Counter>().AddOrchestrator<Echo>()
                .AddActivity<AddOne>().AddActivity<EchoActivity>(),
            services: s => s.AddSingleton<Effects>(),
            backend: backend);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>
    /// Azure Storage queues take a message's visibility delay in whole seconds, so a timer there may fire up to a second
    /// early by the orchestration clock; the PostgreSQL backend's timers are due at their time (database clock).
    /// </summary>
    [Fact]
    public async Task DurableTimer_FiresAtItsTime()
    {
        var status = await _host.RunAsync(nameof(Sleeper), 3);

        RunAssert.Completed(status);
        var clock = status.ReadOutputAs<DateTime[]>()!;
        var early = backend == EngineBackend.AzureStorage ? TimeSpan.FromSeconds(1) : TimeSpan.Zero;
        Assert.True(clock[1] - clock[0] >= TimeSpan.FromSeconds(3) - early, $"the timer fired at {clock[1]:O}, set at {clock[0]:O}");
    }

    [Fact]
    public async Task SubOrchestrations_ResultsFlowBackAndAFailureReachesTheParent()
    {
        var status = await _host.RunAsync(nameof(Parent), 10);

        RunAssert.Completed(status);
        Assert.Equal("15:the child gave up", status.ReadOutputAs<string>());
        var children = (await _host.History.ReadAsync(status.InstanceId, CancellationToken.None)).Children;
        Assert.Equal(3, children.Count);
        foreach (var child in children)
        {
            Assert.True((await _host.Client.GetInstanceAsync(child.InstanceId))!.IsCompleted);
        }
    }

    [Fact]
    public async Task ExternalEvent_InstanceWaitsThenCompletesWithTheEventsValue()
    {
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Approval), 1);
        await _host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        await _host.Client.RaiseEventAsync(id, "approval", 20);
        var status = await _host.WaitAsync(id);

        RunAssert.Completed(status);
        Assert.Equal(41, status.ReadOutputAs<int>());
    }

    [Fact]
    public async Task SuspendResume_EventWhileSuspendedWaitsForTheResume()
    {
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Approval), 0);
        await _host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        await _host.Client.SuspendInstanceAsync(id, "hold");
        await _host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        await _host.Client.RaiseEventAsync(id, "approval", 5);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await _host.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await _host.Client.ResumeInstanceAsync(id, "go");
        var status = await _host.WaitAsync(id);

        RunAssert.Completed(status);
        Assert.Equal(10, status.ReadOutputAs<int>());
    }

    [Fact]
    public async Task ContinueAsNew_CountsToTargetKeepingOnlyTheLastExecutionsHistory()
    {
        var status = await _host.RunAsync(nameof(Counter), new[] { 0, 5 });

        RunAssert.Completed(status);
        Assert.Equal(5, status.ReadOutputAs<int>());
        Assert.Equal([5, 5], status.ReadInputAs<int[]>()!);
        var json = await _host.Store.Client.GetOrchestrationHistoryAsync(status.InstanceId, executionId: null);
        var types = JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => (EventType)e.GetProperty("EventType").GetInt32()).ToList();
        Assert.Equal(1, types.Count(t => t == EventType.ExecutionStarted));
        Assert.DoesNotContain(EventType.TaskScheduled, types);
    }

    [Fact]
    public async Task LargePayload_OneMebibyteInAndOut_ComesBackWhole()
    {
        var payload = string.Concat(Enumerable.Range(0, 1 << 20).Select(i => (char)('a' + (i * 7 % 26))));

        var status = await _host.RunAsync(nameof(Echo), payload);

        RunAssert.Completed(status);
        Assert.Equal(payload, status.ReadOutputAs<string>());
        Assert.Equal(payload, status.ReadInputAs<string>());
    }

    [Fact]
    public async Task PurgeByTime_FinishedInstancesGoActiveOnesStay()
    {
        var finished = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            finished.Add((await _host.RunAsync(nameof(Chain), new ChainInput(i, 1))).InstanceId);
        }

        var waiting = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Approval), 0);
        await _host.WaitUntilAsync(waiting, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        var result = await _host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(null, DateTimeOffset.UtcNow.AddMinutes(1), null));

        Assert.True(result.PurgedInstanceCount >= 3, $"{result.PurgedInstanceCount} purged");
        foreach (var id in finished)
        {
            Assert.Null(await _host.Client.GetInstanceAsync(id));
        }

        Assert.Equal(OrchestrationRuntimeStatus.Running, (await _host.Client.GetInstanceAsync(waiting))!.RuntimeStatus);
        await _host.Client.TerminateInstanceAsync(waiting);
    }
}

public sealed class BehaviourTestsOnPostgreSql() : BehaviourTests(EngineBackend.PostgreSql);

public sealed class BehaviourTestsOnAzureStorage() : BehaviourTests(EngineBackend.AzureStorage);
