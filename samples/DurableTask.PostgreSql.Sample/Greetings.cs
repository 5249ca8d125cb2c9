using DurableTask.Core;

namespace DurableTask.PostgreSql.Sample;

/// <summary>Greets each city through an activity, all at once, and joins the greetings.</summary>
internal sealed class Greetings : TaskOrchestration<string, string[]>
{
    public override async Task<string> RunTask(OrchestrationContext context, string[] input) =>
        string.Join(" ", await Task.WhenAll(input.Select(city => context.ScheduleTask<string>(typeof(SayHello), city))));
}

/// <summary>An activity: the place for I/O in a real app.</summary>
internal sealed class SayHello : TaskActivity<string, string>
{
    protected override string Execute(TaskContext context, string input) => $"Hello, {input}!";
}
