namespace Vinted.Orchestration;

/// <summary>The orchestrators and activities known to the runtime, by name, with each activity's queue.</summary>
public sealed class OrchestrationRegistry
{
    /// <summary>The queue of activities registered without one.</summary>
    public const string DefaultQueue = "default";

    /// <summary>The queue of orchestrator executions.</summary>
    public const string OrchestratorQueue = "orchestrators";

    private readonly Dictionary<string, Type> _orchestrators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Type Type, string Queue)> _activities = new(StringComparer.Ordinal);

    internal void AddOrchestrator(string name, Type type) => _orchestrators.Add(name, type);

    internal void AddActivity(string name, Type type, string queue) => _activities.Add(name, (type, queue));

    /// <summary>Whether an orchestrator of that name is registered.</summary>
    public bool HasOrchestrator(string name) => _orchestrators.ContainsKey(name);

    /// <summary>The registered orchestrator names.</summary>
    public IEnumerable<string> OrchestratorNames => _orchestrators.Keys;

    internal Type OrchestratorType(string name) =>
        _orchestrators.TryGetValue(name, out var type) ? type : throw new InvalidOperationException($"No orchestrator named '{name}' is registered.");

    /// <summary>The <c>TInput</c> of the orchestrator's <see cref="TaskOrchestrator{TInput, TOutput}"/> base.</summary>
    internal Type OrchestratorInputType(string name)
    {
        for (var type = OrchestratorType(name); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TaskOrchestrator<,>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return typeof(object);
    }

    internal Type ActivityType(string name) =>
        _activities.TryGetValue(name, out var entry) ? entry.Type : throw new InvalidOperationException($"No activity named '{name}' is registered.");

    internal string QueueOf(string name) =>
        _activities.TryGetValue(name, out var entry) ? entry.Queue : throw new InvalidOperationException($"No activity named '{name}' is registered.");

    internal IEnumerable<string> Queues => _activities.Values.Select(a => a.Queue).Append(OrchestratorQueue).Append(DefaultQueue).Distinct();
}
