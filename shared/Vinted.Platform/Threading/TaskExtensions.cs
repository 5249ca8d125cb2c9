namespace Vinted.Platform.Threading;

/// <summary>Helpers for the producer tasks of the pipelined loaders.</summary>
public static class TaskExtensions
{
    /// <summary>
    /// Waits for a task that was abandoned because its consumer already failed or stopped, and swallows its error: the
    /// consumer's own exception is the one that reports the failure, and a task never awaited would leak its exception.
    /// </summary>
    public static async Task ObserveAsync(this Task task)
    {
        try
        {
            await task;
        }
#pragma warning disable CA1031 // Deliberate: see the summary.
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }
}
