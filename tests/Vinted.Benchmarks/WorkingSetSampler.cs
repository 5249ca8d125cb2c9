using System.Diagnostics;
using Vinted.Orchestration.Client;

namespace Vinted.Benchmarks;

/// <summary>
/// Samples the process's working set a few times a second, so that a run's peak can be laid at the door of the
/// activity that was running then (the kernel's high-water mark says how high, not when), and beside it the memory the
/// GC has committed, which tells the managed heap from native memory; and the JIT's work so far (issue 21: a fresh
/// host compiled ~14,000 methods in 11-15 s of compile time while the day's pages were fetched, on the same two cores);
/// and the machine's processors, busy and stolen, for a figure taken on a virtual machine whose neighbours take a share
/// of its cores some days.
/// </summary>
internal sealed class WorkingSetSampler : IAsyncDisposable
{
    private readonly List<(DateTimeOffset At, long Bytes, long GcCommitted, long Peak, TimeSpan Jit, long JitMethods, ProcessorTime Processors)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WorkingSetSampler(TimeSpan interval) => _loop = SampleAsync(interval);

    /// <summary>
    /// Per activity name, the highest working set and GC commit sampled while any call of it was between scheduling and
    /// result.
    /// </summary>
    public IReadOnlyList<(string Activity, long PeakBytes, long PeakGcCommitted)> PeakByActivity(IEnumerable<ActivityStep> steps)
    {
        lock (_samples)
        {
            return [.. ActivityWindows(steps)
                .Select(a => (a.Activity, Within: _samples.Where(s => s.At >= a.From && s.At <= a.To).ToList()))
                .Select(a => (a.Activity, a.Within.Select(s => s.Bytes).DefaultIfEmpty(0).Max(), a.Within.Select(s => s.GcCommitted).DefaultIfEmpty(0).Max()))];
        }
    }

    /// <summary>
    /// Per activity name, what the JIT compiled while any call of it was between scheduling and result: its compile time
    /// (summed over threads) and methods; with the whole run's.
    /// </summary>
    public (IReadOnlyList<(string Activity, TimeSpan Time, long Methods)> ByActivity, TimeSpan Time, long Methods) Jit(IEnumerable<ActivityStep> steps)
    {
        lock (_samples)
        {
            if (_samples.Count == 0)
            {
                return ([], TimeSpan.Zero, 0);
            }

            var byActivity = ActivityWindows(steps)
                .Select(a => (a.Activity, From: At(a.From), To: At(a.To)))
                .Select(a => (a.Activity, a.To.Jit - a.From.Jit, a.To.JitMethods - a.From.JitMethods))
                .ToList();
            return (byActivity, _samples[^1].Jit - _samples[0].Jit, _samples[^1].JitMethods - _samples[0].JitMethods);
        }
    }

    /// <summary>
    /// Per activity name that ran a second or more, the machine's processors while any call of it ran: the share of all
    /// cores busy and the share stolen by the hypervisor (Linux's <c>/proc/stat</c>; empty elsewhere); with the whole run's.
    /// </summary>
    public (IReadOnlyList<(string Activity, ProcessorShare Share)> ByActivity, ProcessorShare Run) Processors(IEnumerable<ActivityStep> steps)
    {
        lock (_samples)
        {
            if (_samples.Count == 0 || _samples[^1].Processors.Total == 0)
            {
                return ([], default);
            }

            // Ticks are USER_HZ (100 a second on Linux): windows shorter than a second between samples say nothing.
            var byActivity = ActivityWindows(steps)
                .Select(a => (a.Activity, Time: At(a.To).Processors - At(a.From).Processors))
                .Where(a => a.Time.Total >= 100L * Environment.ProcessorCount)
                .Select(a => (a.Activity, a.Time.Share))
                .ToList();
            return (byActivity, (_samples[^1].Processors - _samples[0].Processors).Share);
        }
    }

    /// <summary>The last sample at or before a moment (the first one before the first sample); callers hold the lock.</summary>
    private (DateTimeOffset At, long Bytes, long GcCommitted, long Peak, TimeSpan Jit, long JitMethods, ProcessorTime Processors) At(DateTimeOffset moment) =>
        _samples[Math.Max(0, _samples.FindLastIndex(s => s.At <= moment))];

    /// <summary>Per activity name, in the order they began, from its first call's scheduling to its last call's result.</summary>
    private static IEnumerable<(string Activity, DateTimeOffset From, DateTimeOffset To)> ActivityWindows(IEnumerable<ActivityStep> steps) =>
        steps.Where(s => s.Completed is not null)
            .GroupBy(s => s.Name)
            .Select(g => (Activity: g.Key, From: g.Min(s => s.Scheduled), To: g.Max(s => s.Completed!.Value)))
            .OrderBy(a => a.From);

    /// <summary>
    /// When the kernel's high-water mark first reached its final height: between the sample before and the sample that
    /// saw it, so a peak too brief for the working-set samples is still placed; with the activities running then.
    /// </summary>
    public (long PeakBytes, DateTimeOffset After, DateTimeOffset By, IReadOnlyList<string> Running)? PeakReached(IEnumerable<ActivityStep> steps)
    {
        lock (_samples)
        {
            if (_samples.Count == 0)
            {
                return null;
            }

            var peak = _samples[^1].Peak;
            var at = _samples.FindIndex(s => s.Peak == peak);
            var (after, by) = (_samples[Math.Max(0, at - 1)].At, _samples[at].At);
            var running = steps.Where(s => s.Scheduled <= by && (s.Completed ?? DateTimeOffset.MaxValue) >= after)
                .GroupBy(s => s.Name).Select(g => $"{g.Key} ×{g.Count()}").ToList();
            return (peak, after, by, running);
        }
    }

    private async Task SampleAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        using var process = Process.GetCurrentProcess();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                process.Refresh();
                lock (_samples)
                {
                    _samples.Add((TimeProvider.System.GetUtcNow(), process.WorkingSet64, GC.GetGCMemoryInfo().TotalCommittedBytes, process.PeakWorkingSet64,
                        System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount(), ProcessorTime.Read()));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    /// <summary>Stops sampling: what the benchmark does after the run is not the run's.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
