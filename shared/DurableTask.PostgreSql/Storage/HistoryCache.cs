using System.Collections.Concurrent;
using DurableTask.Core.History;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// The histories this worker checkpointed last, so that the next work item of a busy instance (a fan-in takes one per
/// batch of results) reads only its new messages instead of its whole history again. An entry counts only if the
/// stored execution id and event count still match it: history grows only under a lease, so equal counts mean equal
/// histories, and a change by another worker shows as a different count.
/// Bounded by bytes (the events' stored size), not by count: one instance with large payloads must not hold the
/// memory that thousands of small ones would. When full, the entries used longest ago go first.
/// </summary>
internal sealed class HistoryCache(long capacityBytes)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _evicting = new();
    private long _bytes;
    private long _clock;

    private sealed class Entry(string executionId, int count, List<HistoryEvent> events, long bytes)
    {
        public string ExecutionId { get; } = executionId;

        public int Count { get; } = count;

        public List<HistoryEvent> Events { get; } = events;

        public long Bytes { get; } = bytes;

        public long LastUsed;
    }

    /// <summary>The bytes the cached histories hold now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The cached history and its size, when it is still the stored one.</summary>
    public (List<HistoryEvent> Events, long Bytes)? TryGet(string instanceId, string executionId, int count)
    {
        if (!_entries.TryGetValue(instanceId, out var entry) || entry.ExecutionId != executionId || entry.Count != count)
        {
            return null;
        }

        Volatile.Write(ref entry.LastUsed, Interlocked.Increment(ref _clock));
        return ([.. entry.Events], entry.Bytes);
    }

    public void Set(string instanceId, string executionId, IList<HistoryEvent> events, long bytes)
    {
        if (bytes > capacityBytes)
        {
            // Larger than the whole cache: read again next time rather than push everything else out.
            Remove(instanceId);
            return;
        }

        var entry = new Entry(executionId, events.Count, [.. events], bytes) { LastUsed = Interlocked.Increment(ref _clock) };
        Interlocked.Add(ref _bytes, bytes);
        if (_entries.TryGetValue(instanceId, out var old) && _entries.TryUpdate(instanceId, entry, old))
        {
            Interlocked.Add(ref _bytes, -old.Bytes);
        }
        else if (!_entries.TryAdd(instanceId, entry))
        {
            // Another thread set it meanwhile (one instance is leased by one work item, so this is rare): keep theirs.
            Interlocked.Add(ref _bytes, -bytes);
        }

        if (Bytes > capacityBytes)
        {
            Evict();
        }
    }

    public void Remove(string instanceId)
    {
        if (_entries.TryRemove(instanceId, out var old))
        {
            Interlocked.Add(ref _bytes, -old.Bytes);
        }
    }

    /// <summary>Drops the least recently used entries down to three quarters of the capacity, so eviction runs seldom.</summary>
    private void Evict()
    {
        lock (_evicting)
        {
            foreach (var (id, entry) in _entries.OrderBy(e => Volatile.Read(ref e.Value.LastUsed)).ToList())
            {
                if (Bytes <= capacityBytes * 3 / 4)
                {
                    return;
                }

                if (_entries.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
                {
                    Interlocked.Add(ref _bytes, -entry.Bytes);
                }
            }
        }
    }
}
