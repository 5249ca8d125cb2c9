using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Vinted.Orchestration.Tests.Infrastructure;
using Vinted.Orchestration.Timer;

namespace Vinted.Orchestration.Tests;

/// <summary>Waits for the event <c>go</c>, then completes with its payload.</summary>
public sealed class AwaitsGo : TaskOrchestrator<string?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string? input) => context.WaitForExternalEvent<string>("go");
}

/// <summary>
/// The retention purge both hosts' timers call, on the PostgreSQL engine: an instance counts from when it finished,
/// not from when it was created, and a running instance is never purged.
/// </summary>
public sealed class FinishedInstancePurgeTests
{
    [Fact]
    public async Task PurgeAsync_CutoffBetweenCreationAndFinish_KeepsIt_ThenPurgesItOnceOlder_NeverARunningOne()
    {
        await using var host = await EngineHost.StartAsync(LocalStack.NewHubName(), engine => engine.AddOrchestrator<AwaitsGo>());
        var client = host.Client;
        var finished = await client.ScheduleNewOrchestrationInstanceAsync(nameof(AwaitsGo));
        var running = await client.ScheduleNewOrchestrationInstanceAsync(nameof(AwaitsGo));
        await client.WaitForInstanceStartAsync(finished, CancellationToken.None);
        await client.WaitForInstanceStartAsync(running, CancellationToken.None);

        // The event is raised a while after the start, so that the finish is recorded later than the creation by that
        // much at least (the test reads both times back; it asserts nothing about how long anything took).
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await client.RaiseEventAsync(finished, "go", "done");
        var done = await host.WaitAsync(finished);
        RunAssert.Completed(done);
        var cutoff = done.CreatedAt + ((done.LastUpdatedAt - done.CreatedAt) / 2);
        Assert.True(done.CreatedAt < cutoff && cutoff < done.LastUpdatedAt, $"created {done.CreatedAt:O}, finished {done.LastUpdatedAt:O}");

        // Created before the cutoff but finished after it: kept (a creation-time filter would have purged it).
        Assert.Empty(await FinishedInstancePurge.DueAsync(client, cutoff, CancellationToken.None));
        Assert.Equal(0, await FinishedInstancePurge.PurgeAsync(client, cutoff, CancellationToken.None));
        Assert.NotNull(await client.GetInstanceAsync(finished));

        // Once the cutoff is past its finish, it goes; the running one stays whatever the cutoff.
        var later = done.LastUpdatedAt.AddHours(1);
        Assert.Equal([finished], await FinishedInstancePurge.DueAsync(client, later, CancellationToken.None));
        Assert.Equal(1, await FinishedInstancePurge.PurgeAsync(client, later, CancellationToken.None));
        Assert.Null(await client.GetInstanceAsync(finished));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(running))!.RuntimeStatus);

        await client.TerminateInstanceAsync(running);
    }
}
