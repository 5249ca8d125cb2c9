namespace Vinted.Pipeline.Models;

/// <summary>
/// What starts a backfill: the days <paramref name="From"/> to <paramref name="To"/>, both included, whose stored raw
/// data the warehouse digests again in date order. Vinted serves only the present, so a backfill fetches nothing: it
/// reloads what the raw zone holds for each day. A range that cannot run is refused while the input is read
/// (<see cref="ArgumentException"/> naming the field), so a start request gets a 400, not a failed run.
/// </summary>
/// <param name="Trigger">Who started the backfill (<c>http</c>, <c>cli</c>).</param>
public sealed record BackfillInput(DateOnly From, DateOnly To, string? Trigger = null)
{
    /// <summary>The longest range one backfill takes; a longer one is split by its caller.</summary>
    public const int MaxDays = 366;

    public DateOnly To { get; init; } = Problem(From, To) is { } problem ? throw new ArgumentException(problem, nameof(To)) : To;

    private static string? Problem(DateOnly from, DateOnly to)
    {
        if (from == default || to == default)
        {
            return "'from' and 'to' are required (yyyy-MM-dd)";
        }

        if (to < from)
        {
            return $"'to' ({to:yyyy-MM-dd}) is before 'from' ({from:yyyy-MM-dd})";
        }

        return to.DayNumber - from.DayNumber >= MaxDays ? $"'from'..'to' spans more than {MaxDays} days" : null;
    }
}

/// <summary>One day of a backfill: the run whose raw data the day is digested from (the day's latest manifest).</summary>
public sealed record BackfillDay(DateOnly Date, string RunId);

/// <summary>A backfill's resolved plan: the days with stored runs, in date order, and those without any.</summary>
public sealed record BackfillPlan(IReadOnlyList<BackfillDay> Days, IReadOnlyList<DateOnly> DaysWithoutData, Retries.RetrySettings Retry);

/// <summary>The output of a backfill: what the warehouse made of each day, in date order.</summary>
public sealed record BackfillReport(DateOnly From, DateOnly To, IReadOnlyList<Orchestrators.DigestReport> Days, IReadOnlyList<DateOnly> DaysWithoutData);

/// <summary>What a backfill shows as <c>customStatus</c> while it goes.</summary>
public sealed record BackfillProgress(int DaysDone, int Days, DateOnly? Current);
