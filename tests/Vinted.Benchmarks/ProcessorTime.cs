namespace Vinted.Benchmarks;

/// <summary>
/// The machine's processor time since boot, all cores summed, in clock ticks, from the first line of Linux's
/// <c>/proc/stat</c> (user nice system idle iowait irq softirq steal ...); zero where there is none.
/// </summary>
internal readonly record struct ProcessorTime(long Busy, long Steal, long Total)
{
    public static ProcessorTime Read()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not { Length: > 8 } || fields[0] != "cpu")
            {
                return default;
            }

            // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
            var ticks = fields[1..9].Select(long.Parse).ToArray();
            var (idle, iowait, steal) = (ticks[3], ticks[4], ticks[7]);
            return new ProcessorTime(ticks.Sum() - idle - iowait - steal, steal, ticks.Sum());
        }
        catch (IOException)
        {
            return default;
        }
        catch (UnauthorizedAccessException)
        {
            return default;
        }
    }

    public static ProcessorTime operator -(ProcessorTime later, ProcessorTime earlier) =>
        new(later.Busy - earlier.Busy, later.Steal - earlier.Steal, later.Total - earlier.Total);

    /// <summary>Of the interval's time on every core, the shares busy and stolen.</summary>
    public ProcessorShare Share => Total <= 0 ? default : new ProcessorShare((double)Busy / Total, (double)Steal / Total);
}

/// <summary>Shares of all cores' time over an interval: busy (user, system, interrupts) and stolen by the hypervisor.</summary>
internal readonly record struct ProcessorShare(double Busy, double Steal)
{
    public override string ToString() => $"busy {Busy:P0}, stolen {Steal:P0}";
}
