using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;

namespace Vinted.Orchestration.Engine;

/// <summary>
/// Gives DurableTask.Core a fresh Microsoft.DurableTask orchestrator, wrapped by the shim factory, for every
/// execution: the shim keeps per-execution state, so instances are never shared.
/// </summary>
internal sealed class OrchestrationShimCreator : ObjectCreator<TaskOrchestration>
{
    private readonly Type _type;
    private readonly DurableTaskShimFactory _shims;
    private readonly IServiceProvider _services;

    public OrchestrationShimCreator(string name, Type type, DurableTaskShimFactory shims, IServiceProvider services)
    {
        Name = name;
        Version = string.Empty;
        _type = type;
        _shims = shims;
        _services = services;
    }

    public override TaskOrchestration Create() =>
        _shims.CreateOrchestration(new TaskName(Name), (ITaskOrchestrator)ActivatorUtilities.CreateInstance(_services, _type));
}

/// <summary>Gives DurableTask.Core an activity built by dependency injection, wrapped by the shim factory.</summary>
internal sealed class ActivityShimCreator : ObjectCreator<TaskActivity>
{
    private readonly Type _type;
    private readonly DurableTaskShimFactory _shims;
    private readonly IServiceProvider _services;

    public ActivityShimCreator(string name, Type type, DurableTaskShimFactory shims, IServiceProvider services)
    {
        Name = name;
        Version = string.Empty;
        _type = type;
        _shims = shims;
        _services = services;
    }

    public override TaskActivity Create() =>
        _shims.CreateActivity(new TaskName(Name), (ITaskActivity)ActivatorUtilities.CreateInstance(_services, _type));
}
