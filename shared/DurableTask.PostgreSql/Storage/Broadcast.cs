namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// Wakes every waiter at once: a waiter takes <see cref="Next"/> before it looks for work, so a signal between its
/// look and its wait is never missed. Sessions wait on it, each for messages of its own instance.
/// </summary>
internal sealed class Broadcast
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
