using System.Diagnostics;
using Vinted.Orchestration.Client;

namespace Vinted.Benchmarks;

/// <summary>
/// Samples the process's working set a few times a second, so that a run's peak can be laid at the door of the
/// activity that was running then (the kernel's high-water mark says how high, not when).
/// </summary>
internal sealed class WorkingSetSampler : IAsyncDisposable
{
    private readonly List<(DateTimeOffset At, long Bytes)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WorkingSetSampler(TimeSpan interval) => _loop = SampleAsync(interval);

    /// <summary>Per activity name, the highest sample taken while any call of it was between scheduling and result.</summary>
    public IReadOnlyList<(string Activity, long PeakBytes)> PeakByActivity(IEnumerable<ActivityStep> steps)
    {
        lock (_samples)
        {
            return [.. steps.Where(s => s.Completed is not null)
                .GroupBy(s => s.Name)
                .Select(g => (Activity: g.Key, From: g.Min(s => s.Scheduled), To: g.Max(s => s.Completed!.Value)))
                .OrderBy(a => a.From)
                .Select(a => (a.Activity, _samples.Where(s => s.At >= a.From && s.At <= a.To).Select(s => s.Bytes).DefaultIfEmpty(0).Max()))];
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
                    _samples.Add((TimeProvider.System.GetUtcNow(), process.WorkingSet64));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
