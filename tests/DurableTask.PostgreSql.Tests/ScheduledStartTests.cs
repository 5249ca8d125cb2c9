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
}
