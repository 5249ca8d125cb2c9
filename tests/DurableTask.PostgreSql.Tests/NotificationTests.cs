using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.PostgreSql.Storage;
using DurableTask.PostgreSql.Tests.Infrastructure;
using DurableTask.PostgreSql.Tests.Orchestrations;
using Npgsql;

namespace DurableTask.PostgreSql.Tests;

/// <summary>Issue 23: a NOTIFY names what it wakes (the queue and the instances), and polling covers a lost one.</summary>
public sealed class NotificationTests(HubSchema schema) : IClassFixture<HubSchema>
{
    private const int SessionWokenEvent = 40;

    [Fact]
    public async Task RaiseEvent_ToOneOfTwoWaitingSessions_WakesOnlyThatSession()
    {
        // Polls far apart, so a session wakes only when a notification names its instance.
        await using var hub = await TestHub.StartAsync(schema, [typeof(WaitForGo)], configure: s => s with
        {
            LeaseDuration = TimeSpan.FromMinutes(3),
            SessionIdleTimeout = TimeSpan.FromMinutes(2),
            MaxPollingInterval = TimeSpan.FromMinutes(2),
        });
        var target = await hub.Client.CreateOrchestrationInstanceAsync(typeof(WaitForGo), "notify-target", "");
        var bystander = await hub.Client.CreateOrchestrationInstanceAsync(typeof(WaitForGo), "notify-bystander", "");
        await WaitUntilAsync(() => Task.FromResult(hub.Service.IsSessionWaiting("notify-target") && hub.Service.IsSessionWaiting("notify-bystander")));
        var wokenBefore = Woken(hub, "notify-bystander");

        await hub.Client.RaiseEventAsync(target, "go", "now");
        var state = await hub.WaitAsync(target);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Contains(hub.Logs.Entries, e => e.Id.Id == SessionWokenEvent && e.Message.Contains("notify-target", StringComparison.Ordinal));
        Assert.Equal(wokenBefore, Woken(hub, "notify-bystander"));
        await hub.Client.TerminateInstanceAsync(bystander, "done");
    }

    [Fact]
    public async Task Message_CommittedWithoutNotification_IsFoundByPolling()
    {
        await using var hub = await TestHub.StartAsync(schema, [typeof(WaitForGo)]);
        var instance = await hub.Client.CreateOrchestrationInstanceAsync(typeof(WaitForGo), "notify-lost", "");
        await WaitUntilAsync(() => Task.FromResult(hub.Service.IsSessionWaiting("notify-lost")));

        // Written straight into the queue, as if the NOTIFY of its commit had been lost.
        var message = new TaskMessage { OrchestrationInstance = instance, Event = new EventRaisedEvent(-1, "\"quiet\"") { Name = "go" } };
        await schema.ExecuteAsync(
            "insert into orchestration_messages (instance_id, visible_at, event_type, message) values (@id, now(), @type, @message)",
            new NpgsqlParameter<string>("id", instance.InstanceId),
            new NpgsqlParameter<short>("type", (short)EventType.EventRaised),
            new NpgsqlParameter<string>("message", EventSerializer.Serialize(message)));
        var state = await hub.WaitAsync(instance);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal("\"quiet\"", state.Output);
    }

    [Theory]
    [InlineData(new[] { "a" }, "a")]
    [InlineData(new[] { "a", "b", "a" }, "a\nb")]
    [InlineData(new[] { "a", "line\nbreak" }, "")]
    [InlineData(new string[0], "")]
    public void Payload_OfInstanceIds_NamesEachOnceOrNoneWhenItCannot(string[] ids, string expected) =>
        Assert.Equal(expected, WakeTargets.Payload(ids));

    [Fact]
    public void Payload_TooLongForNotify_NamesNoInstance() =>
        Assert.Equal("", WakeTargets.Payload(Enumerable.Range(0, 1_000).Select(i => $"instance-{i:D5}")));

    [Fact]
    public void Wake_ForAnInstanceHeldHere_LeavesThePollerAsleepUntilItIsLetGo()
    {
        // A fan-in's results name the instance the session here is running: the poller would only find it leased.
        var sessions = new SessionWaiters();
        sessions.Hold("fan-in");

        Assert.False(sessions.Wake(["fan-in"]));
        Assert.True(sessions.Wake(["fan-in", "other"]));
        Assert.True(sessions.Wake([]));

        sessions.LetGo("fan-in");
        Assert.True(sessions.Wake(["fan-in"]));
    }

    [Fact]
    public void LetGo_OfOneOfTwoLeases_KeepsTheInstanceHeld()
    {
        // A lease taken again before the old work item's release arrives counts twice.
        var sessions = new SessionWaiters();
        sessions.Hold("twice");
        sessions.Hold("twice");

        sessions.LetGo("twice");
        Assert.False(sessions.Wake(["twice"]));

        sessions.LetGo("twice");
        sessions.LetGo("twice");
        Assert.True(sessions.Wake(["twice"]));
    }

    private static int Woken(TestHub hub, string instanceId) =>
        hub.Logs.Entries.Count(e => e.Id.Id == SessionWokenEvent && e.Message.Contains(instanceId, StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TestHub.Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within {TestHub.Patience}");
            await Task.Delay(100);
        }
    }
}
