using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.PostgreSql.Tests.Infrastructure;
using DurableTask.PostgreSql.Tests.Orchestrations;
using Npgsql;

namespace DurableTask.PostgreSql.Tests;

/// <summary>Issue 23, defect 3: work that can never succeed is set aside with its reason, and nothing waits behind it.</summary>
public sealed class PoisonTests(HubSchema schema) : IClassFixture<HubSchema>
{
    private const string ForeignMessage =
        """
        {"$type":"DurableTask.Core.TaskMessage, DurableTask.Core",
         "Event":{"$type":"System.IO.FileInfo, System.IO.FileSystem","OriginalPath":"/etc/passwd","EventId":7},
         "OrchestrationInstance":{"$type":"DurableTask.Core.OrchestrationInstance, DurableTask.Core","InstanceId":"foreign","ExecutionId":"x"}}
        """;

    [Fact]
    public async Task ActivityQueue_ForeignTypeRowBelowTwentyGoodOnes_AllTwentyCompleteAndTheRowIsSetAside()
    {
        // A first host runs the orchestrations but takes one call only (it hangs in it, with a short lease): the other
        // 19 calls stay queued.
        var hanging = new NameValueObjectCreator<TaskActivity>(NameVersionHelper.GetDefaultName(typeof(Upper)), "", new Hangs());
        await using (var first = await TestHub.StartAsync(
            schema,
            [typeof(CallUpper)],
            configure: s => s with { MaxConcurrentActivities = 1, LeaseDuration = TimeSpan.FromSeconds(10), SessionIdleTimeout = TimeSpan.FromSeconds(1) },
            activityCreators: [hanging]))
        {
            for (var i = 0; i < 20; i++)
            {
                await first.Client.CreateOrchestrationInstanceAsync(typeof(CallUpper), $"good-{i}", $"call {i}");
            }

            await schema.WaitForCountAsync("select count(*) from activity_tasks", 20, "the 20 calls were not queued in time");
        }

        // The foreign row goes first in the queue, so the next host takes it in one batch with the good calls.
        await schema.ExecuteAsync(
            "insert into activity_tasks (id, instance_id, execution_id, name, message) overriding system value values (0, 'foreign', 'x', 'Evil', @message)",
            new NpgsqlParameter<string>("message", ForeignMessage));
        await using var hub = await TestHub.StartAsync(schema, [typeof(CallUpper)], [typeof(Upper)], recreate: false);
        for (var i = 0; i < 20; i++)
        {
            var state = await hub.WaitAsync(new OrchestrationInstance { InstanceId = $"good-{i}" });
            Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
            Assert.Equal($"\"CALL {i}\"", state.Output);
        }

        var poison = Assert.Single(await hub.Service.GetPoisonMessagesAsync("foreign"));
        Assert.Equal("activity", poison.Queue);
        Assert.Contains("System.IO.FileInfo", poison.Error, StringComparison.Ordinal);
        Assert.Contains(hub.Logs.Entries, e => e.Id.Id == 9 && e.Message.Contains("foreign", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Orchestration_FailingOnEveryDelivery_FailsWithTheReasonAfterMaxDeliveryCount()
    {
        await using var hub = await TestHub.StartAsync(
            schema, [typeof(CannotBeCreated)], configure: s => s with { MaxDeliveryCount = 3, AbandonDelay = TimeSpan.FromMilliseconds(200) });

        var instance = await hub.Client.CreateOrchestrationInstanceAsync(typeof(CannotBeCreated), "always-throws", "");
        var state = await hub.WaitAsync(instance);

        Assert.Equal(OrchestrationStatus.Failed, state.OrchestrationStatus);
        Assert.Contains("delivered 4 times", state.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("orchestration", Assert.Single(await hub.Service.GetPoisonMessagesAsync(instance.InstanceId)).Queue);
        Assert.Contains(hub.Logs.Entries, e => e.Id.Id == 10 && e.Message.Contains("always-throws", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ActivityCall_DeliveredMoreThanMaxDeliveryCount_FailsIntoTheOrchestrator()
    {
        // A host takes the call and hangs in it (short lease); then, as if two more hosts had died running it, the row
        // counts three deliveries.
        var hanging = new NameValueObjectCreator<TaskActivity>(NameVersionHelper.GetDefaultName(typeof(Upper)), "", new Hangs());
        await using (var first = await TestHub.StartAsync(
            schema, [typeof(CallUpperOrReport)], configure: s => s with { LeaseDuration = TimeSpan.FromSeconds(10) }, activityCreators: [hanging]))
        {
            await first.Client.CreateOrchestrationInstanceAsync(typeof(CallUpperOrReport), "crashing-call", "x");
            await schema.WaitForCountAsync("select count(*) from activity_tasks where dequeue_count = 1", 1, "the call was not taken in time");
        }

        await schema.ExecuteAsync("update activity_tasks set dequeue_count = 3");
        await using var hub = await TestHub.StartAsync(
            schema, [typeof(CallUpperOrReport)], [typeof(Upper)], configure: s => s with { MaxDeliveryCount = 3 }, recreate: false);
        var state = await hub.WaitAsync(new OrchestrationInstance { InstanceId = "crashing-call" });

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Contains("failed: ", state.Output, StringComparison.Ordinal);
        Assert.Contains("delivered 4 times", state.Output, StringComparison.Ordinal);
        Assert.Equal("activity", Assert.Single(await hub.Service.GetPoisonMessagesAsync("crashing-call")).Queue);
    }

    internal sealed class CallUpperOrReport : TaskOrchestration<string, string>
    {
        public override async Task<string> RunTask(OrchestrationContext context, string input)
        {
            try
            {
                return await context.ScheduleTask<string>(typeof(Upper), input);
            }
            catch (TaskFailedException e)
            {
                return $"failed: {e.Message}";
            }
        }
    }

    internal sealed class CallUpper : TaskOrchestration<string, string>
    {
        public override Task<string> RunTask(OrchestrationContext context, string input) => context.ScheduleTask<string>(typeof(Upper), input);
    }

    internal sealed class Upper : TaskActivity<string, string>
    {
        protected override string Execute(TaskContext context, string input) => input.ToUpperInvariant();
    }

    /// <summary>Fails before it can run (as an orchestrator whose dependencies are broken would): DurableTask.Core abandons every work item.</summary>
    internal sealed class CannotBeCreated : TaskOrchestration<string, string>
    {
        public CannotBeCreated() => throw new InvalidOperationException("this orchestrator cannot be built");

        public override Task<string> RunTask(OrchestrationContext context, string input) => Task.FromResult(input);
    }
}
