namespace Vinted.Api.Http;

/// <summary>
/// One HTTP attempt read to the end inside the resilience pipeline, so that a connection lost while the body
/// streams counts as a failed attempt (and is retried) rather than a half page handed to the caller.
/// </summary>
internal sealed record HttpAttempt(
    int StatusCode,
    string? ContentType,
    TimeSpan? RetryAfter,
    byte[] Body,
    IReadOnlyList<string> SetCookies,
    string? AnonIdHeader)
{
    /// <summary>The headers an anti-bot layer marks its answers with (see <see cref="BlockDetector.HeaderNames"/>), lower-case names.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public bool IsHtml =>
        ContentType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true
        || Body.AsSpan().TrimStart(" \t\r\n"u8) is [(byte)'<', ..];
}
