using System.ComponentModel.DataAnnotations;
using Cronos;

namespace Vinted.Orchestration.Timer;

/// <summary>The <c>Schedule</c> section of host.json: when the timer trigger starts which orchestrator.</summary>
public sealed class ScheduleOptions : IValidatableObject
{
    public const string Section = "Schedule";

    /// <summary>The schedule's name; instance ids are <c>{Name}-{slot}</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,40}$")]
    public string Name { get; set; } = "daily";

    /// <summary>Five-field cron expression.</summary>
    [Required]
    public string Cron { get; set; } = "0 3 * * *";

    /// <summary>IANA time zone the cron expression is read in.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The orchestrator each slot starts.</summary>
    [Required]
    public string Orchestrator { get; set; } = "";

    /// <summary>Whether the timer runs in this host.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A slot missed while no host ran is still started if it is younger than this.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromHours(1);

    // Internal, not public: the configuration binder reads public get-only properties to bind into them, and a
    // malformed cron would then throw while binding instead of failing validation with its key named.
    internal CronExpression Expression => CronExpression.Parse(Cron);

    internal TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>
    /// The slot a timer that fires every <paramref name="period"/> starts at <paramref name="now"/>: the schedule's
    /// latest occurrence no older than the period or the catch-up window, whichever is longer, allowing a firing
    /// <paramref name="early"/> of its time; null when none is due.
    /// </summary>
    public DateTimeOffset? DueSlot(DateTimeOffset now, TimeSpan period, TimeSpan early)
    {
        var lookBack = CatchUpWindow > period ? CatchUpWindow : period;
        var slot = Expression.GetOccurrences(now - lookBack, now + early, Zone, fromInclusive: false, toInclusive: true).LastOrDefault();
        return slot == default ? null : slot;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!CronExpression.TryParse(Cron, out _))
        {
            yield return new ValidationResult($"'{Cron}' is not a five-field cron expression", [nameof(Cron)]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"'{TimeZone}' is not a known time zone", [nameof(TimeZone)]);
        }
    }
}
