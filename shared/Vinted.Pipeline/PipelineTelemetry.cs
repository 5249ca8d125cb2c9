using System.Diagnostics.Metrics;
using Vinted.Api;

namespace Vinted.Pipeline;

/// <summary>
/// The pipeline's metrics (<see cref="Name"/>), counted in activities (orchestrator code replays, so it counts nothing):
/// runs planned, and pages by domain and outcome (fetched, reused, quarantined, blocked).
/// </summary>
public static class PipelineTelemetry
{
    public const string Name = "Vinted.Pipeline";

    /// <summary>
    /// The trace sources both hosts export: the Vinted client's page spans, the engine's orchestrations and activities
    /// (DurableTask.Core in the self-host, Microsoft.DurableTask in both), and Npgsql's commands.
    /// </summary>
    public static readonly IReadOnlyList<string> Sources = [VintedTelemetry.Name, "DurableTask.Core", "Microsoft.DurableTask", "Npgsql"];

    /// <summary>The meters both hosts export: ours, Npgsql's, and the HTTP server's and client's.</summary>
    public static readonly IReadOnlyList<string> Meters = [VintedTelemetry.Name, Name, "Npgsql", "Microsoft.AspNetCore.Hosting", "System.Net.Http"];

    private static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> RunsPlanned = Meter.CreateCounter<long>("vinted.pipeline.runs", description: "Pipeline runs planned (a restart plans again), by trigger");

    internal static readonly Counter<long> Pages = Meter.CreateCounter<long>("vinted.pipeline.pages", description: "Pages of a run by domain and outcome: fetched, reused, quarantined, blocked");

    internal static void Page(string domain, string outcome) => Pages.Add(1, new("vinted.domain", domain), new("vinted.outcome", outcome));

    internal static readonly Counter<long> ItemPages = Meter.CreateCounter<long>("vinted.pipeline.item_pages", description: "Item pages of vanished listings by domain and outcome: fetched, reused, failed");

    internal static void VanishedLookups(string domain, int fetched, int reused, int failed)
    {
        ItemPages.Add(fetched, new("vinted.domain", domain), new("vinted.outcome", "fetched"));
        ItemPages.Add(reused, new("vinted.domain", domain), new("vinted.outcome", "reused"));
        ItemPages.Add(failed, new("vinted.domain", domain), new("vinted.outcome", "failed"));
    }
}
