using System.Text.Json.Serialization;

namespace Vinted.Api.Models;

/// <summary>The <c>pagination</c> object of a paged response.</summary>
public sealed record VintedPagination(int CurrentPage, int TotalPages, long TotalEntries, int PerPage, long? Time);

/// <summary>What is wrong with a fetched body, from the ingestion's point of view.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PageProblemKind>))]
public enum PageProblemKind
{
    None,

    /// <summary>Valid JSON with <c>items</c> but no <c>pagination</c>: usable, treated as the only page.</summary>
    MissingPagination,

    /// <summary>Valid JSON without an <c>items</c> array: quarantine it.</summary>
    MissingItems,

    /// <summary>Not JSON (truncated, HTML, garbage): quarantine it.</summary>
    MalformedJson,
}

/// <summary>
/// One page as the API returned it. <see cref="Body"/> holds the response bytes exactly as received (after
/// transport decompression), never re-serialized, so the raw zone can store them as the record of truth.
/// A body that is not a page is still returned, flagged by <see cref="ProblemKind"/>, so it can be quarantined
/// rather than lost.
/// </summary>
public sealed record FetchedPage
{
    public required string Domain { get; init; }

    public required string SearchKey { get; init; }

    /// <summary>The 1-based page that was requested.</summary>
    public required int Page { get; init; }

    public required VintedEndpoint Endpoint { get; init; }

    /// <summary>The final request URI; it carries no secret (tokens travel in headers).</summary>
    public required Uri RequestUri { get; init; }

    public required int StatusCode { get; init; }

    public string? ContentType { get; init; }

    /// <summary>When the response was received, from the client's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset FetchedAt { get; init; }

    public required byte[] Body { get; init; }

    public VintedPagination? Pagination { get; init; }

    /// <summary>Length of the <c>items</c> array; 0 when there is none.</summary>
    public int ItemCount { get; init; }

    /// <summary>Items of <see cref="ItemCount"/> that are promoted cards (adverts placed into the results).</summary>
    public int PromotedCount { get; init; }

    public PageProblemKind ProblemKind { get; init; }

    /// <summary>A human-readable description of <see cref="ProblemKind"/>, e.g. <c>malformed JSON: ...</c>.</summary>
    public string? Problem { get; init; }

    /// <summary>True when the body must be quarantined rather than loaded.</summary>
    [JsonIgnore]
    public bool ShouldQuarantine => ProblemKind is PageProblemKind.MalformedJson or PageProblemKind.MissingItems;

    /// <summary>
    /// Whether a later page exists: false without pagination (a single page), or when this page was empty
    /// (the API serves empty pages past its reachable-results cap although total_pages says more).
    /// </summary>
    [JsonIgnore]
    public bool HasNextPage => Pagination is { } p && ItemCount > 0 && p.CurrentPage < p.TotalPages;
}
