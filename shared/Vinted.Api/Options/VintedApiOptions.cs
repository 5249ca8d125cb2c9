using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Vinted.Api.Options;

/// <summary>The era of the catalog search endpoint a domain serves.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CatalogEndpointEra>))]
public enum CatalogEndpointEra
{
    /// <summary><c>{ApiBaseUrl}/svc-catalogue/items</c> with <c>attribute_ids[...]</c>, Bearer token and <c>X-Anon-Id</c>.</summary>
    Current,

    /// <summary><c>{SiteBaseUrl}/api/v2/catalog/items</c> with <c>catalog_ids</c>-style names and the session cookies.</summary>
    Legacy,
}

/// <summary>Which of the two seller endpoints a domain uses.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SellerEndpointKind>))]
public enum SellerEndpointKind
{
    /// <summary><c>/api/v2/wardrobe/{id}/items</c>, what the current site calls.</summary>
    Wardrobe,

    /// <summary><c>/api/v2/users/{id}/items</c>, the design document's example.</summary>
    Users,
}

/// <summary>The <c>VintedApi</c> section of host.json.</summary>
public sealed class VintedApiOptions
{
    public const string Section = "VintedApi";

    /// <summary>Browser-like User-Agent sent with every request (the home page refuses bare clients).</summary>
    [Required]
    public string UserAgent { get; set; } =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36";

    /// <summary>Per country domain, keyed by the domain key searches carry (<c>pt</c>, <c>fr</c>, <c>uk</c>, ...).
    /// A domain missing here uses <see cref="VintedDomainOptions"/> defaults with its key as the TLD.</summary>
    [Required]
    public Dictionary<string, VintedDomainOptions> Domains { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The settings of <paramref name="domain"/>, defaults filled in.</summary>
    public VintedDomainOptions For(string domain) =>
        Domains.TryGetValue(domain, out var options) ? options : new VintedDomainOptions();
}

/// <summary>One country domain: where it is, which endpoints it serves and how hard we may call it.</summary>
public sealed class VintedDomainOptions
{
    /// <summary>Top-level domain; null means the domain key itself (set <c>co.uk</c> for <c>uk</c>, <c>com</c> for <c>us</c>).</summary>
    public string? Tld { get; set; }

    /// <summary>The site: home page (session) and <c>/api/v2</c>. Default <c>https://www.vinted.{tld}</c>.</summary>
    [Vinted.Settings.Validation.AbsoluteUrl]
    public Uri? SiteBaseUrl { get; set; }

    /// <summary>The svc-catalogue host. Default <c>https://api.vinted.{tld}</c>.</summary>
    [Vinted.Settings.Validation.AbsoluteUrl]
    public Uri? ApiBaseUrl { get; set; }

    public CatalogEndpointEra CatalogEndpoint { get; set; } = CatalogEndpointEra.Current;

    public SellerEndpointKind SellerEndpoint { get; set; } = SellerEndpointKind.Wardrobe;

    /// <summary>Requests per second to this domain, all callers in this process together (retries and session requests included).</summary>
    [Range(0.01, 10_000)]
    public double RequestsPerSecond { get; set; } = 1;

    /// <summary>How many requests may wait for the rate limiter before further ones fail at once.</summary>
    [Range(1, 1_000_000)]
    public int RateLimiterQueueLimit { get; set; } = 10_000;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Limit for one fetch including waits, retries and backoff.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Retries after the first attempt for transient failures (5xx, 408, 429, timeouts, connection failures).</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First backoff delay; doubled each retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Cap of one backoff and of an honoured Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Failure ratio over <see cref="CircuitSamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double CircuitFailureRatio { get; set; } = 0.5;

    [Range(2, 100_000)]
    public int CircuitMinimumThroughput { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Outbound proxies for this domain, used in turn; empty means direct. On a block the proxy and its session rotate:
    /// the blocked proxy cools down for <see cref="ProxyCoolDown"/> and the page is retried through the next one.
    /// </summary>
    public List<ProxyOptions> Proxies { get; set; } = [];

    /// <summary>How long a proxy (or the direct route) that was blocked, or could not be reached, is left alone.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan ProxyCoolDown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Overrides <see cref="VintedApiOptions.UserAgent"/> for this domain.</summary>
    public string? UserAgent { get; set; }

    /// <summary>The TLD for <paramref name="domainKey"/>.</summary>
    public string TldFor(string domainKey) => Tld ?? domainKey;

    public Uri SiteBaseFor(string domainKey) => SiteBaseUrl ?? new Uri($"https://www.vinted.{TldFor(domainKey)}");

    public Uri ApiBaseFor(string domainKey) => ApiBaseUrl ?? new Uri($"https://api.vinted.{TldFor(domainKey)}");
}
