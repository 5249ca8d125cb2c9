namespace Vinted.Benchmarks;

/// <summary>The process's garbage collections, pauses and allocations since it started; two readings give an interval's.</summary>
internal readonly record struct GcTotals(int Gen0, int Gen1, int Gen2, TimeSpan Pause, long Allocated)
{
    public static GcTotals Now() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

    public static GcTotals operator -(GcTotals later, GcTotals earlier) =>
        new(later.Gen0 - earlier.Gen0, later.Gen1 - earlier.Gen1, later.Gen2 - earlier.Gen2, later.Pause - earlier.Pause, later.Allocated - earlier.Allocated);

    /// <summary>Each generation's own collections: the runtime counts a gen-2 collection as a gen-0 and a gen-1 one too.</summary>
    public override string ToString() =>
        $"{Allocated / 1_073_741_824.0:N1} GiB allocated; {Gen2:N0} gen-2, {Gen1 - Gen2:N0} gen-1 and {Gen0 - Gen1:N0} gen-0 collections; paused {Pause.TotalSeconds:F1} s";
}
