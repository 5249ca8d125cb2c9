using DurableTask.Core;
using DurableTask.PostgreSql.Tests.Infrastructure;
using DurableTask.PostgreSql.Tests.Orchestrations;

namespace DurableTask.PostgreSql.Tests;

/// <summary>Issue 23, defect 1: an instance whose start is scheduled for later (StartAt) before it has started.</summary>
public sealed class ScheduledStartTests(HubSchema schema) : IClassFixture<HubSchema>
{
    [Fact]
    public async Task RaiseEvent_BeforeScheduledStart_IsKeptForTheInstanceOnceItStarts()
    {
        await using var hub = await TestHub.StartAsync(schema, [typeof(WaitForGo)]);
        var startAt = DateTime.UtcNow.AddSeconds(5);

        var instance = await hub.Client.CreateScheduledOrchestrationInstanceAsync(typeof(WaitForGo), "scheduled-1", "", startAt);
        await hub.Client.RaiseEventAsync(instance, "go", "early");
        var state = await hub.WaitAsync(instance);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal("\"early\"", state.Output);
    }

    [Fact]
    public async Task Terminate_OfInstanceScheduledForLater_TerminatesItWithoutStartingIt()
    {
        await using var hub = await TestHub.StartAsync(schema, [typeof(WaitForGo)]);

        var instance = await hub.Client.CreateScheduledOrchestrationInstanceAsync(typeof(WaitForGo), "scheduled-2", "", DateTime.UtcNow.AddHours(1));
        await hub.Client.TerminateInstanceAsync(instance, "not wanted");
        var state = await hub.WaitAsync(instance);

        Assert.Equal(OrchestrationStatus.Terminated, state.OrchestrationStatus);
        Assert.Contains("not wanted", state.Output, StringComparison.Ordinal);
        Assert.Equal(0L, await schema.ScalarAsync<long>("select count(*) from orchestration_messages where instance_id = 'scheduled-2'"));
    }

    [Fact]
    public async Task GetState_OfInstanceScheduledForLater_IsPendingAndOfStartedOneRunning()
    {
        await using var hub = await TestHub.StartAsync(schema, [typeof(WaitForGo)]);

        var later = await hub.Client.CreateScheduledOrchestrationInstanceAsync(typeof(WaitForGo), "scheduled-3", "", DateTime.UtcNow.AddHours(1));
        var now = await hub.Client.CreateOrchestrationInstanceAsync(typeof(WaitForGo), "started-3", "");
        var deadline = DateTime.UtcNow + TestHub.Patience;
        while ((await hub.Client.GetOrchestrationStateAsync(now.InstanceId))?.OrchestrationStatus != OrchestrationStatus.Running && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(OrchestrationStatus.Pending, (await hub.Client.GetOrchestrationStateAsync(later.InstanceId))?.OrchestrationStatus);
        Assert.Equal(OrchestrationStatus.Running, (await hub.Client.GetOrchestrationStateAsync(now.InstanceId))?.OrchestrationStatus);
        await hub.Client.TerminateInstanceAsync(now, "done");
    }
}
