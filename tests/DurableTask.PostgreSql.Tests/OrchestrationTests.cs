using DurableTask.Core;
using DurableTask.PostgreSql.Tests.Infrastructure;

namespace DurableTask.PostgreSql.Tests;

/// <summary>The provider under DurableTask.Core's own worker and client: the basic shapes an application relies on.</summary>
public sealed class OrchestrationTests(HubSchema schema) : IClassFixture<HubSchema>
{
    [Fact]
    public async Task Orchestration_ActivitiesAndSubOrchestration_CompletesWithTheirResults()
    {
        await using var hub = await TestHub.StartAsync(schema, [typeof(Greeter), typeof(Echo)], [typeof(Upper)]);

        var instance = await hub.Client.CreateOrchestrationInstanceAsync(typeof(Greeter), "greet-1", "world");
        var state = await hub.WaitAsync(instance);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal("\"HELLO WORLD|echo:world\"", state.Output);
    }

    internal sealed class Greeter : TaskOrchestration<string, string>
    {
        public override async Task<string> RunTask(OrchestrationContext context, string input)
        {
            var upper = await context.ScheduleTask<string>(typeof(Upper), $"hello {input}");
            var echo = await context.CreateSubOrchestrationInstance<string>(typeof(Echo), input);
            return $"{upper}|{echo}";
        }
    }

    internal sealed class Echo : TaskOrchestration<string, string>
    {
        public override Task<string> RunTask(OrchestrationContext context, string input) => Task.FromResult($"echo:{input}");
    }

    internal sealed class Upper : TaskActivity<string, string>
    {
        protected override string Execute(TaskContext context, string input) => input.ToUpperInvariant();
    }
}
