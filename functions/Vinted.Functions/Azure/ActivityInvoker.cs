using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Vinted.Functions.Azure;

/// <summary>
/// Runs a class-based activity from an activity function. The isolated Durable extension gives an activity function
/// its input and binding data, not a <see cref="TaskActivityContext"/>; this builds the context from the function's
/// name and the orchestration's instance id, and the activity from the function's services, as Microsoft.DurableTask's
/// own source generator does for <c>[DurableTask]</c> classes.
/// </summary>
internal static class ActivityInvoker
{
    public static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(TInput input, string instanceId, FunctionContext context)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        var activity = ActivatorUtilities.CreateInstance<TActivity>(context.InstanceServices);
        return activity.RunAsync(new FunctionActivityContext(context.FunctionDefinition.Name, instanceId), input);
    }
}

/// <summary>The activity context of an activity function: its name and the calling orchestration's instance id.</summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;
}
