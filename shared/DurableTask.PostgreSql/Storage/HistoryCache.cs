using System.Collections.Concurrent;
using DurableTask.Core.History;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// The histories this worker checkpointed last, so that the next work item of a busy instance (a fan-in takes one per
/// batch of results) reads only its new messages instead of its whole history again. An entry counts only if the
/// stored execution id and event count still match it: history grows only under a lease, so equal counts mean equal
/// histories, and a change by another worker shows as a different count.
/// </summary>
internal sealed class HistoryCache(int capacity)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(string ExecutionId, int Count, List<HistoryEvent> Events);

    public List<HistoryEvent>? TryGet(string instanceId, string executionId, int count) =>
        _entries.TryGetValue(instanceId, out var entry) && entry.ExecutionId == executionId && entry.Count == count
            ? [.. entry.Events]
            : null;

    public void Set(string instanceId, string executionId, IList<HistoryEvent> events)
    {
        if (_entries.Count >= capacity && !_entries.ContainsKey(instanceId))
        {
            // Crude but bounded: a full cache starts over; the cost is one history read per instance.
            _entries.Clear();
        }

        _entries[instanceId] = new Entry(executionId, events.Count, [.. events]);
    }

    public void Remove(string instanceId) => _entries.TryRemove(instanceId, out _);
}
