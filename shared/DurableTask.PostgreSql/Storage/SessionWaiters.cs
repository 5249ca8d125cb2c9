using System.Collections.Concurrent;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// The extended sessions of this host that wait for messages, each by its instance: a notification naming an instance
/// wakes that session alone, and the poller is not woken for an instance a session here already holds.
/// </summary>
internal sealed class SessionWaiters
{
    private readonly ConcurrentDictionary<string, WorkSignal> _waiting = new(StringComparer.Ordinal);

    /// <summary>Registers a session's wait; the signal remembers a notification that comes before the wait begins.</summary>
    public WorkSignal Register(string instanceId) => _waiting[instanceId] = new WorkSignal();

    public void Unregister(string instanceId, WorkSignal signal) => _waiting.TryRemove(new KeyValuePair<string, WorkSignal>(instanceId, signal));

    public bool IsWaiting(string instanceId) => _waiting.ContainsKey(instanceId);

    /// <summary>Wakes the sessions of <paramref name="instanceIds"/> (every session when none is named).</summary>
    /// <returns>Whether some named instance has no session here, so a poller may find its messages.</returns>
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
            else
            {
                unclaimed = true;
            }
        }

        return unclaimed;
    }
}
