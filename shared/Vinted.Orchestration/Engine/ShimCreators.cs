using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;

namespace Vinted.Orchestration.Engine;

/// <summary>
/// Gives DurableTask.Core a fresh Microsoft.DurableTask orchestrator or activity, built by dependency injection and
/// wrapped by the shim factory, for every execution: the orchestration shim keeps per-execution state, so instances
/// are never shared.
/// </summary>
internal sealed class ShimCreator<T> : ObjectCreator<T>
{
    private readonly Func<object, T> _wrap;
    private readonly Type _type;
    private readonly IServiceProvider _services;

    private ShimCreator(string name, Type type, IServiceProvider services, Func<object, T> wrap)
    {
        Name = name;
        Version = string.Empty;
        _type = type;
        _services = services;
        _wrap = wrap;
    }

    public override T Create() => _wrap(ActivatorUtilities.CreateInstance(_services, _type));

    public static ObjectCreator<TaskOrchestration> Orchestration(string name, Type type, DurableTaskShimFactory shims, IServiceProvider services) =>
        new ShimCreator<TaskOrchestration>(name, type, services, o => shims.CreateOrchestration(new TaskName(name), (ITaskOrchestrator)o));

    public static ObjectCreator<TaskActivity> Activity(string name, Type type, DurableTaskShimFactory shims, IServiceProvider services) =>
        new ShimCreator<TaskActivity>(name, type, services, a => shims.CreateActivity(new TaskName(name), (ITaskActivity)a));
}
