using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Retries;
using Vinted.RawZone;

namespace Vinted.Pipeline.Activities;

/// <summary>
/// Resolves a backfill's days: for each date of the range, the run of its most recently written manifest (a later run
/// of a date supersedes an earlier one, in the raw zone as in the warehouse). The range was checked by
/// <see cref="BackfillInput"/> when the input was read.
/// </summary>
public sealed class PlanBackfill(RawZoneStore rawZone, IOptions<RetrySettings> retry) : TaskActivity<BackfillInput, BackfillPlan>
{
    public override async Task<BackfillPlan> RunAsync(TaskActivityContext context, BackfillInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var days = new List<BackfillDay>();
        var missing = new List<DateOnly>();
        for (var date = input.From; date <= input.To; date = date.AddDays(1))
        {
            var runs = await rawZone.ListRunsAsync(date, CancellationToken.None);
            if (runs.Count == 0)
            {
                missing.Add(date);
            }
            else
            {
                days.Add(new BackfillDay(date, runs[^1]));
            }
        }

        return new BackfillPlan(days, missing, retry.Value);
    }
}
