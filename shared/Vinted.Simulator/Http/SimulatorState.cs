using System.Collections.Concurrent;
using Vinted.Simulator.Market;

namespace Vinted.Simulator.Http;

/// <summary>What changes while the simulator runs: the date, the faults, the counters and the request attempts.</summary>
public sealed class SimulatorState
{
    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, int> _attempts = new();
    private readonly Lock _dateLock = new();
    private SimulatorFaults _faults;
    private DateOnly _date;

    public SimulatorState(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Seed = options.Seed;
        _faults = options.Faults;
        _date = options.Date;
    }

    public long Seed { get; }

    public SimulatorFaults Faults
    {
        get => Volatile.Read(ref _faults);
        set => Volatile.Write(ref _faults, value ?? throw new ArgumentNullException(nameof(value)));
    }

    public DateOnly Date
    {
        get { lock (_dateLock) { return _date; } }
        set { lock (_dateLock) { _date = value; } }
    }

    /// <summary>Counters: <c>requests</c>, <c>requests:{endpoint}</c>, <c>requests:from:{address}</c>, <c>faults:{kind}</c>, <c>blocked:from:{address}</c>, <c>sessions</c>, <c>unauthorized</c>.</summary>
    public IReadOnlyDictionary<string, long> Stats => new SortedDictionary<string, long>(_counters, StringComparer.Ordinal);

    public long Count(string counter) => _counters.GetValueOrDefault(counter);

    internal void Increment(string counter) => _counters.AddOrUpdate(counter, 1, static (_, n) => n + 1);

    /// <summary>The 1-based attempt number of this request (same key seen before counts up).</summary>
    internal int NextAttempt(string requestKey) => _attempts.AddOrUpdate(Hash.Of(requestKey), 1, static (_, n) => n + 1);

    /// <summary>The 1-based number of this call of <paramref name="kind"/> (e.g. relevance searches re-ranked per call).</summary>
    internal long NextCall(string kind) => _counters.AddOrUpdate($"calls:{kind}", 1, static (_, n) => n + 1);

    /// <summary>Clears counters and attempt numbers (faults and date stay).</summary>
    public void ResetStats()
    {
        _counters.Clear();
        _attempts.Clear();
    }
}
