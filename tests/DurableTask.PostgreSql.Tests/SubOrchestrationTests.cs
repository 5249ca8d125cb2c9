using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.PostgreSql.Tests.Infrastructure;
using DurableTask.PostgreSql.Tests.Orchestrations;
using Npgsql;

namespace DurableTask.PostgreSql.Tests;

/// <summary>Issue 23, defects 2 and 5: sub-orchestrations that share an instance id.</summary>
public sealed class SubOrchestrationTests(HubSchema schema) : IClassFixture<HubSchema>
{
    private const string Child = "late-child";

    [Fact]
    public async Task TwoSubOrchestrations_SameIdInOneTurn_FirstRunsAndSecondFailsCleanly()
    {
        await using var hub = await TestHub.StartAsync(schema, [typeof(TwoChildrenOneId), typeof(Echo)]);

        var instance = await hub.Client.CreateOrchestrationInstanceAsync(typeof(TwoChildrenOneId), "dup-parent", "");
        var state = await hub.WaitAsync(instance);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal("\"first=echo:a|second=failed\"", state.Output);
        var child = await hub.Client.GetOrchestrationStateAsync("dup-child");
        Assert.Equal(OrchestrationStatus.Completed, child?.OrchestrationStatus);
    }

    [Fact]
    public async Task SubOrchestration_ReplacingAFinishedOne_DropsTheOldExecutionsLateMessages()
    {
        Type[] orchestrations = [typeof(CallChild), typeof(WaitForGo)];
        await using var firstHub = await TestHub.StartAsync(schema, orchestrations);
        var first = await firstHub.Client.CreateOrchestrationInstanceAsync(typeof(CallChild), "late-parent-1", "");
        await WaitUntilChildExistsAsync(firstHub);
        await firstHub.Client.RaiseEventAsync(new OrchestrationInstance { InstanceId = Child }, "go", "first");
        Assert.Equal("\"first\"", (await firstHub.WaitAsync(first)).Output);
        var firstExecution = (await firstHub.Client.GetOrchestrationStateAsync(Child))!.OrchestrationInstance.ExecutionId;

        // With no worker running, a second parent is queued and then a late event reaches the finished child: nothing
        // can discard the event before the second parent replaces the child.
        await firstHub.DisposeAsync();
        await using var clientOnly = await TestHub.StartAsync(schema, orchestrations, recreate: false, startWorker: false);
        var second = await clientOnly.Client.CreateOrchestrationInstanceAsync(typeof(CallChild), "late-parent-2", "");
        await clientOnly.Client.RaiseEventAsync(new OrchestrationInstance { InstanceId = Child }, "go", "stale");

        // One orchestration at a time: the second parent (queued first) runs and replaces the child before the child's
        // messages are looked at.
        await using var hub = await TestHub.StartAsync(schema, orchestrations, configure: s => s with { MaxConcurrentOrchestrations = 1 }, recreate: false);
        await WaitUntilNewExecutionRanAsync(firstExecution);
        await hub.Client.RaiseEventAsync(new OrchestrationInstance { InstanceId = Child }, "go", "fresh");
        var state = await hub.WaitAsync(second);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal("\"fresh\"", state.Output);
    }

    private static async Task WaitUntilChildExistsAsync(TestHub hub)
    {
        var deadline = DateTime.UtcNow + TestHub.Patience;
        while (await hub.Client.GetOrchestrationStateAsync(Child) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Child} was not created within {TestHub.Patience}");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until a new execution of the child has run its first turn (its timer is then queued).</summary>
    private async Task WaitUntilNewExecutionRanAsync(string oldExecutionId)
    {
        var deadline = DateTime.UtcNow + TestHub.Patience;
        while (await schema.ScalarAsync<long>(
            "select count(*) from instances where instance_id = @id and execution_id <> @old and history_count > 0",
            new NpgsqlParameter<string>("id", Child),
            new NpgsqlParameter<string>("old", oldExecutionId)) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Child} did not run again within {TestHub.Patience}");
            await Task.Delay(200);
        }
    }

    internal sealed class TwoChildrenOneId : TaskOrchestration<string, string>
    {
        public override async Task<string> RunTask(OrchestrationContext context, string input)
        {
            var first = context.CreateSubOrchestrationInstance<string>(typeof(Echo), "dup-child", "a");
            var second = context.CreateSubOrchestrationInstance<string>(typeof(Echo), "dup-child", "b");
            var firstResult = await first;
            try
            {
                return $"first={firstResult}|second={await second}";
            }
            catch (SubOrchestrationFailedException)
            {
                return $"first={firstResult}|second=failed";
            }
        }
    }

    internal sealed class Echo : TaskOrchestration<string, string>
    {
        public override Task<string> RunTask(OrchestrationContext context, string input) => Task.FromResult($"echo:{input}");
    }

    internal sealed class CallChild : TaskOrchestration<string, string>
    {
        public override Task<string> RunTask(OrchestrationContext context, string input) =>
            context.CreateSubOrchestrationInstance<string>(typeof(WaitForGo), Child, input);
    }
}
