namespace Vinted.Benchmarks;

/// <summary>The process's peak working set, restartable on Linux so that a figure covers one part of a benchmark.</summary>
internal static class PeakWorkingSet
{
    /// <summary>
    /// Resets the kernel's high-water mark of the process's resident set (VmHWM, which <see cref="System.Diagnostics.Process.PeakWorkingSet64"/>
    /// reads) to the current resident set, by writing 5 to <c>/proc/self/clear_refs</c> (Linux 4.0 and later); false where it cannot.
    /// </summary>
    public static bool Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }
}
