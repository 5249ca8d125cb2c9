using DurableTask.Core;

namespace DurableTask.PostgreSql.Tests.Orchestrations;

/// <summary>Stands in for a host that hangs in a call: it never returns while the test runs, so the call stays leased.</summary>
internal sealed class Hangs : AsyncTaskActivity<string, string>
{
    protected override async Task<string> ExecuteAsync(TaskContext context, string input)
    {
        await Task.Delay(TimeSpan.FromMinutes(10));
        return input;
    }
}
