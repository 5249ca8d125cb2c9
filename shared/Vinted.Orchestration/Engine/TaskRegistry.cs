namespace Vinted.Orchestration.Engine;

/// <summary>The orchestrator and activity classes the self-hosted engine runs, by the name callers use.</summary>
public sealed class TaskRegistry
{
    private readonly Dictionary<string, Type> _orchestrators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _activities = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Type> Orchestrators => _orchestrators;

    public IReadOnlyDictionary<string, Type> Activities => _activities;

    internal void AddOrchestrator(string name, Type type) => Add(_orchestrators, name, type, "orchestrator");

    internal void AddActivity(string name, Type type) => Add(_activities, name, type, "activity");

    private static void Add(Dictionary<string, Type> names, string name, Type type, string kind)
    {
        if (!names.TryAdd(name, type) && names[name] != type)
        {
            throw new InvalidOperationException($"Two {kind} classes are registered as '{name}': {names[name]} and {type}.");
        }
    }
}
