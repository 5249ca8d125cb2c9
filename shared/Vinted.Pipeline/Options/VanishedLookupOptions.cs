using System.ComponentModel.DataAnnotations;

namespace Vinted.Pipeline.Options;

/// <summary>
/// The <c>VanishedLookup</c> section: how many of a day's vanished listings the daily run looks up on their item pages
/// to tell sold from withdrawn. Every lookup is one more page request to the domain (under its rate limit), so above the
/// cap a fixed sample is looked up and the rest stays unknown.
/// </summary>
public sealed class VanishedLookupOptions
{
    public const string Section = "VanishedLookup";

    /// <summary>Item pages to look up per domain and day at most (a sample above it); 0 turns the lookup off.</summary>
    [Range(0, 100_000)]
    public int MaxPerDomain { get; set; } = 200;

    /// <summary>Listings per lookup activity: the fan-out's grain (a retry redoes at most this many, minus the pages already stored).</summary>
    [Range(1, 1_000)]
    public int BatchSize { get; set; } = 50;
}
