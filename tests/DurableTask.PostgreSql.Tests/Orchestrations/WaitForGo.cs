using DurableTask.Core;

namespace DurableTask.PostgreSql.Tests.Orchestrations;

/// <summary>Completes with the data of its first "go" event.</summary>
internal sealed class WaitForGo : TaskOrchestration<string, string, string, string>
{
    private readonly TaskCompletionSource<string> _go = new();

    public override Task<string> RunTask(OrchestrationContext context, string input) => _go.Task;

    public override void OnEvent(OrchestrationContext context, string name, string input)
    {
        if (name == "go")
        {
            _go.TrySetResult(input);
        }
    }
}
