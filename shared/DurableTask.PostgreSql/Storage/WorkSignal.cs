namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// An auto-reset signal a poller waits on between empty polls: set by a NOTIFY from any host, or by this host when it
/// queued work itself. A set with no waiter is remembered, so a notification between a poll and its wait is not lost.
/// </summary>
internal sealed class WorkSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = NewSource();
    private bool _set;

    public void Set()
    {
        TaskCompletionSource waiting;
        lock (_gate)
        {
            _set = true;
            waiting = _next;
        }

        waiting.TrySetResult();
    }

    /// <summary>Waits until the signal is set or <paramref name="timeout"/> passes; consumes the signal.</summary>
    /// <returns>Whether the signal was set (false: the timeout passed).</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                _next = NewSource();
                return true;
            }

            wait = _next.Task;
        }

        try
        {
            await wait.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // An idle poll interval passed: poll again (a durable timer may be due).
        }

        lock (_gate)
        {
            if (!_set)
            {
                return false;
            }

            _set = false;
            _next = NewSource();
            return true;
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
