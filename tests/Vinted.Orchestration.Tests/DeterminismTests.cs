using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Orchestration.Http;
using Vinted.Orchestration.Tests.Infrastructure;

namespace Vinted.Orchestration.Tests;

/// <summary>Calls a different activity when it replays: as if its code had changed while an instance ran.</summary>
public sealed class DivergingOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var first = await context.CallActivityAsync<int>(context.IsReplaying ? nameof(Sum) : nameof(AddOne), input);
        return await context.CallActivityAsync<int>(nameof(AddOne), first);
    }
}

/// <summary>Awaits a real delay (not a durable timer) before its activity call.</summary>
public sealed class DelayingOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
#pragma warning disable DURABLE0003 // on purpose: the test shows what the engine does with it
        await Task.Delay(100);
#pragma warning restore DURABLE0003
        return await context.CallActivityAsync<int>(nameof(AddOne), input);
    }
}

/// <summary>
/// Awaits work on the thread pool before its activity call. The work takes long enough that it is never done
/// before the await: whether a quicker Task.Run finishes first is a race, and a test of a race would be one too.
/// </summary>
public sealed class TaskRunOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
#pragma warning disable DURABLE0003, DURABLE0004 // on purpose: the test shows what the engine does with it
        var doubled = await Task.Run(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(1));
            return input * 2;
        });
#pragma warning restore DURABLE0003, DURABLE0004
        return await context.CallActivityAsync<int>(nameof(AddOne), doubled);
    }
}

/// <summary>
/// Orchestrator code that breaks the replay rules. The host keeps no extended sessions, so every work item replays
/// the history, as after a host restart or an evicted session.
/// </summary>
public sealed class DeterminismTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private EngineHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await EngineHost.StartAsync(
            LocalStack.NewHubName(),
            engine => engine
                .AddOrchestrator<DivergingOrchestrator>().AddOrchestrator<DelayingOrchestrator>().AddOrchestrator<TaskRunOrchestrator>()
                .AddActivity<AddOne>().AddActivity<Sum>(),
            new Dictionary<string, string?> { ["DurableTask:ExtendedSessionsEnabled"] = "false" },
            s => s.AddSingleton<Effects>());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Replay_DifferentActivityCall_FailsTheInstance()
    {
        var status = await _host.RunAsync(nameof(DivergingOrchestrator), 7);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, status.RuntimeStatus);
        var error = InstanceStatus.From(status).Error!;
        Assert.Contains("NonDeterministicOrchestrationException", error, StringComparison.Ordinal);
        Assert.Contains("'AddOne'", error, StringComparison.Ordinal);
        Assert.Contains("'Sum'", error, StringComparison.Ordinal);
        Assert.Equal(0, _host.Get<Effects>().Count($"add:{status.InstanceId}:8")); // the second step never ran
    }

    /// <summary>
    /// The code after a real delay runs on a timer thread, outside the work item: its activity call is never
    /// scheduled and the instance stays Running with nothing to wake it (never Completed, never with a result).
    /// </summary>
    [Fact]
    public Task TaskDelayInOrchestrator_InstanceHangsRunningWithoutScheduling() =>
        AssertHangsWithoutSchedulingAsync(nameof(DelayingOrchestrator), input: 5, firstCallInput: 5);

    /// <summary>
    /// The code after awaiting Task.Run continues on a pool thread, outside the work item, as after a real delay:
    /// the activity call is never scheduled and the instance stays Running, never Completed.
    /// </summary>
    [Fact]
    public Task TaskRunInOrchestrator_InstanceHangsRunningWithoutScheduling() =>
        AssertHangsWithoutSchedulingAsync(nameof(TaskRunOrchestrator), input: 5, firstCallInput: 10);

    private async Task AssertHangsWithoutSchedulingAsync(string orchestrator, int input, int firstCallInput)
    {
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input);

        var status = await WatchAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Running, status.RuntimeStatus);
        Assert.Null(status.SerializedOutput);
        Assert.Empty((await _host.History.ReadAsync(id, CancellationToken.None)).Steps);
        Assert.Equal(0, _host.Get<Effects>().Count($"add:{id}:{firstCallInput}"));
        await TerminateAsync(id);
    }

    /// <summary>Watches an instance for <see cref="Patience"/> or until it finishes; it must never complete.</summary>
    private async Task<OrchestrationMetadata> WatchAsync(string id)
    {
        using var cts = new CancellationTokenSource(Patience);
        OrchestrationMetadata status;
        try
        {
            status = await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        }
        catch (OperationCanceledException)
        {
            status = (await _host.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!;
        }

        Assert.NotEqual(OrchestrationRuntimeStatus.Completed, status.RuntimeStatus);
        return status;
    }

    private async Task TerminateAsync(string id)
    {
        await _host.Client.TerminateInstanceAsync(id, "test over");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await _host.WaitAsync(id)).RuntimeStatus);
    }
}
