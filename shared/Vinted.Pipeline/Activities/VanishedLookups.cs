using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Vinted.Api;
using Vinted.Api.Models;
using Vinted.Api.Parsing;
using Vinted.Pipeline.Options;
using Vinted.RawZone;
using Vinted.Warehouse.Vanished;

namespace Vinted.Pipeline.Activities;

/// <summary>One batch of a day's vanished listings of one domain to look up on their item pages.</summary>
public sealed record VanishedBatch(string RunId, DateOnly Date, string Domain, IReadOnlyList<long> ItemIds);

/// <summary>The lookup's plan: the batches, how many listings vanished and how many of them are left out of the sample.</summary>
public sealed record VanishedLookupPlan(IReadOnlyList<VanishedBatch> Batches, long Vanished, long NotSampled);

/// <summary>What one batch found: pages fetched or reused, verdicts, and lookups that failed (blocked, an error: left unknown).</summary>
public sealed record VanishedBatchResult(int LookedUp, int Reused, int Sold, int Withdrawn, int Unknown, int Failed, string? Warning = null);

/// <summary>
/// Plans the lookup of the run's day's vanished listings: per domain all of them, or a fixed sample of
/// <see cref="VanishedLookupOptions.MaxPerDomain"/>, cut into batches of <see cref="VanishedLookupOptions.BatchSize"/>.
/// </summary>
public sealed class PlanVanishedLookups(VanishedOutcomes outcomes, IOptions<VanishedLookupOptions> options) : TaskActivity<WarehouseInput, VanishedLookupPlan>
{
    public override async Task<VanishedLookupPlan> RunAsync(TaskActivityContext context, WarehouseInput input)
    {
        var settings = options.Value;
        var samples = settings.MaxPerDomain == 0 ? [] : await outcomes.SampleAsync(input.Date, settings.MaxPerDomain, CancellationToken.None);
        var batches = samples
            .SelectMany(s => s.ItemIds.Chunk(settings.BatchSize).Select(ids => new VanishedBatch(input.RunId, input.Date, s.Domain, ids)))
            .ToList();
        var vanished = samples.Sum(s => s.Vanished);
        return new VanishedLookupPlan(batches, vanished, vanished - samples.Sum(s => (long)s.ItemIds.Count));
    }
}

/// <summary>
/// Looks up one batch of vanished listings on their public item pages (through the client: the domain's rate limit,
/// session and transient retries), stores each page as received in the raw zone, reads it with
/// <see cref="ItemPageParser"/> and records the verdicts. Idempotent: a page already stored for the run (an earlier
/// execution of this batch) is read back, not fetched again. A failed or blocked lookup leaves its listing unknown and
/// never fails the batch; after a block the rest of the batch is not asked for (a block only deepens when pressed).
/// </summary>
public sealed class LookUpVanished(IVintedClient client, RawZoneStore rawZone, VanishedOutcomes outcomes, TimeProvider time) : TaskActivity<VanishedBatch, VanishedBatchResult>
{
    private const string Sold = "sold";
    private const string Withdrawn = "withdrawn";
    private const string UnknownOutcome = "unknown";

    public override async Task<VanishedBatchResult> RunAsync(TaskActivityContext context, VanishedBatch input)
    {
        var cancellationToken = CancellationToken.None;
        var found = new List<VanishedOutcome>(input.ItemIds.Count);
        int lookedUp = 0, reused = 0, failed = 0;
        string? blocked = null;
        foreach (var itemId in input.ItemIds)
        {
            if (blocked is not null)
            {
                failed++;
                found.Add(Unknown(itemId, $"not looked up: {blocked}"));
                continue;
            }

            if (await rawZone.FindItemPageAsync(input.Domain, input.Date, input.RunId, itemId, cancellationToken) is { } stored)
            {
                reused++;
                found.Add(Read(itemId, stored, await rawZone.ReadVerifiedAsync(stored.Key, stored.Sha256, cancellationToken)));
                continue;
            }

            FetchedItemPage page;
            try
            {
                page = await client.FetchItemPageAsync(input.Domain, itemId, cancellationToken);
            }
            catch (VintedBlockedException e)
            {
                blocked = e.Message;
                failed++;
                found.Add(Unknown(itemId, $"blocked: {e.Message}"));
                continue;
            }
            catch (VintedApiException e)
            {
                failed++;
                found.Add(Unknown(itemId, $"lookup failed: {e.Message}"));
                continue;
            }

            lookedUp++;
            var written = await rawZone.WriteItemPageAsync(
                new ItemPageToStore(input.Domain, input.Date, input.RunId, itemId, page.Body, page.RequestUri.ToString(), page.StatusCode, page.ContentType, page.FetchedAt),
                cancellationToken);
            found.Add(Read(itemId, written, page.Body));
        }

        await outcomes.RecordAsync(input.RunId, input.Date, input.Domain, found, cancellationToken);
        PipelineTelemetry.VanishedLookups(input.Domain, lookedUp, reused, failed);
        return new VanishedBatchResult(
            lookedUp, reused, found.Count(o => o.Outcome == Sold), found.Count(o => o.Outcome == Withdrawn), found.Count(o => o.Outcome == UnknownOutcome), failed,
            blocked is null ? null : $"item pages of domain '{input.Domain}': {blocked}");

        VanishedOutcome Unknown(long itemId, string reason) => new(itemId, UnknownOutcome, reason, null, null, time.GetUtcNow());
    }

    private static VanishedOutcome Read(long itemId, StoredItemPage stored, ReadOnlySpan<byte> body)
    {
        var reading = ItemPageParser.Read(stored.HttpStatus, body);
        var outcome = reading.Fate switch
        {
            ListingFate.Sold => Sold,
            ListingFate.Withdrawn => Withdrawn,
            _ => UnknownOutcome,
        };
        return new VanishedOutcome(itemId, outcome, reading.Reason, stored.HttpStatus, stored.Key, stored.FetchedAt);
    }
}

/// <summary>Writes the day's recorded outcomes into the mart (before the lake is written) and returns the day's split.</summary>
public sealed class ApplyVanishedOutcomes(VanishedOutcomes outcomes) : TaskActivity<WarehouseInput, VanishedSplit>
{
    public override Task<VanishedSplit> RunAsync(TaskActivityContext context, WarehouseInput input) =>
        outcomes.ApplyAsync(input.RunId, input.Date, CancellationToken.None);
}
