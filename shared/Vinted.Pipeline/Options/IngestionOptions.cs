using System.ComponentModel.DataAnnotations;
using Vinted.Api.Models;

namespace Vinted.Pipeline.Options;

/// <summary>The <c>Ingestion</c> section of host.json: the daily set of searches and how deep to page.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>The searches of a scheduled run (a manual run may bring its own).</summary>
    public List<SearchSpec> Searches { get; set; } = [];

    /// <summary>Page cap of a search that sets none.</summary>
    [Range(1, 10_000)]
    public int DefaultMaxPages { get; set; } = 20;

    /// <summary>
    /// How many results the API serves for one search at most, whatever total_entries says; pages beyond
    /// are never requested.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxReachableResults { get; set; } = 960;
}

/// <summary>One search to ingest and its page cap.</summary>
public sealed record SearchSpec
{
    public required VintedSearch Search { get; init; }

    /// <summary>Pages to fetch at most; null for the configured default.</summary>
    [Range(1, 10_000)]
    public int? MaxPages { get; init; }
}
