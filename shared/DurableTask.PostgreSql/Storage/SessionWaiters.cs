using System.Collections.Concurrent;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// The instances this host holds the lease of, and among them the extended sessions that wait for messages: a
/// notification naming an instance wakes its waiting session alone, and the poller is not woken for an instance held
/// here at all (it would find the instance leased; a fan-in's results would make it scan every queued result for
/// nothing). Whoever holds the instance sees those messages: its session at its next look, or the poller, which is
/// woken when the lease is let go.
/// </summary>
internal sealed class SessionWaiters
{
    private readonly ConcurrentDictionary<string, WorkSignal> _waiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _held = new(StringComparer.Ordinal);

    /// <summary>Notes that this host leased the instance (from the claim until the work item is released).</summary>
    public void Hold(string instanceId) => _held.AddOrUpdate(instanceId, 1, (_, count) => count + 1);

    /// <summary>Notes that this host let the instance's lease go.</summary>
    public void LetGo(string instanceId)
    {
        while (_held.TryGetValue(instanceId, out var count))
        {
            if (count <= 1 ? _held.TryRemove(new KeyValuePair<string, int>(instanceId, count)) : _held.TryUpdate(instanceId, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>Registers a session's wait; the signal remembers a notification that comes before the wait begins.</summary>
    public WorkSignal Register(string instanceId) => _waiting[instanceId] = new WorkSignal();

    public void Unregister(string instanceId, WorkSignal signal) => _waiting.TryRemove(new KeyValuePair<string, WorkSignal>(instanceId, signal));

    public bool IsWaiting(string instanceId) => _waiting.ContainsKey(instanceId);

    /// <summary>Wakes the sessions of <paramref name="instanceIds"/> (every session when none is named).</summary>
    /// <returns>Whether some named instance is not held here, so a poller may find its messages.</returns>
    public bool Wake(string[] instanceIds)
    {
        if (instanceIds.Length == 0)
        {
            foreach (var signal in _waiting.Values)
            {
                signal.Set();
            }

            return true;
        }

        var unclaimed = false;
        foreach (var id in instanceIds)
        {
            if (_waiting.TryGetValue(id, out var signal))
            {
                signal.Set();
            }
            else if (!_held.ContainsKey(id))
            {
                unclaimed = true;
            }
        }

        return unclaimed;
    }
}
