using Microsoft.DurableTask.Client;
using Vinted.Orchestration.Http;
using Vinted.Pipeline.Orchestrators;

namespace Vinted.Monitoring.Runs;

/// <summary>The list of the pipeline's runs behind <c>GET /api/monitoring/runs</c>, the same for both hosts.</summary>
public static class RunListing
{
    /// <summary>
    /// The pipeline's runs, newest first, <paramref name="top"/> at a time after <paramref name="continuationToken"/>;
    /// or, when a parameter is invalid, the errors by parameter name.
    /// </summary>
    public static async Task<(RunList? List, IDictionary<string, string[]>? Errors)> ListAsync(
        DurableTaskClient client, DateTimeOffset now, string? status, int top, string? continuationToken, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        List<OrchestrationRuntimeStatus>? statuses = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            statuses = [];
            foreach (var part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var parsed) && !char.IsDigit(part[0]))
                {
                    statuses.Add(parsed);
                }
                else
                {
                    errors["status"] = [$"'{part}' is not one of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}."];
                }
            }
        }

        if (top is < 1 or > 200)
        {
            errors["top"] = ["top is between 1 and 200."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        // The store lists instances in id order, not by creation, and lists the runs' searches too: the runs are
        // picked out of the whole list (a listing without payloads; retention keeps it short), sorted newest first
        // and paged here with a cursor of our own (the created time and id of the last run served).
        (DateTimeOffset Created, string Id)? after = null;
        if (!string.IsNullOrEmpty(continuationToken))
        {
            after = ParseToken(continuationToken);
            if (after is null)
            {
                return (null, new Dictionary<string, string[]> { ["continuationToken"] = ["Not a continuation token of this list."] });
            }
        }

        var all = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { Statuses = statuses, PageSize = 1000 }).WithCancellation(cancellationToken))
        {
            if (instance.Name == nameof(DailyPipeline))
            {
                all.Add(instance);
            }
        }

        var ordered = all
            .OrderByDescending(m => m.CreatedAt).ThenBy(m => m.InstanceId, StringComparer.Ordinal)
            .Where(m => after is not { } a || m.CreatedAt < a.Created || (m.CreatedAt == a.Created && string.CompareOrdinal(m.InstanceId, a.Id) > 0))
            .ToList();
        var runs = new List<InstanceStatus>();
        foreach (var run in ordered.Take(top))
        {
            if (await client.GetInstanceAsync(run.InstanceId, getInputsAndOutputs: true, cancellationToken) is { } metadata)
            {
                runs.Add(InstanceStatus.From(metadata));
            }
        }

        var next = ordered.Count > top ? Token(ordered[top - 1]) : null;
        return (new RunList(runs.Select(r => RunViewBuilder.Summary(r, now)).ToList(), next), null);
    }

    private static string Token(OrchestrationMetadata last) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks}:{last.InstanceId}"));

    private static (DateTimeOffset Created, string Id)? ParseToken(string token)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && long.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), text[(colon + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
