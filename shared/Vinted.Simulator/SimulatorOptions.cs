using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Vinted.Simulator;

/// <summary>Which catalog endpoints the simulator answers, like the real API in each era.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SimulatorEra>))]
public enum SimulatorEra
{
    /// <summary>Both catalog endpoints serve (handy for tests of either client setting).</summary>
    Both,

    /// <summary>svc-catalogue serves; <c>/api/v2/catalog/items</c> answers 404 <c>{"code":104}</c>, as since Sep 2026.</summary>
    Current,

    /// <summary><c>/api/v2/catalog/items</c> serves; svc-catalogue answers an HTML 404, as before Sep 2026.</summary>
    Legacy,
}

/// <summary>The <c>Simulator</c> section (standalone) or the argument of <see cref="SimulatorHost.StartAsync"/>.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    public long Seed { get; set; } = 42;

    /// <summary>Listings generated per domain over the market's lifetime (not all visible on one date).</summary>
    [Range(1, 1_000_000_000)]
    public long Listings { get; set; } = 100_000;

    /// <summary>The simulated date the API shows unless a request or the admin endpoint says otherwise.</summary>
    public DateOnly Date { get; set; } = new(2026, 10, 1);

    /// <summary>The first listing time; listings are spread evenly over <see cref="MarketDays"/> from here.</summary>
    public DateOnly MarketStart { get; set; } = new(2025, 10, 1);

    [Range(1, 10_000)]
    public int MarketDays { get; set; } = 400;

    /// <summary>
    /// Share of listings that ever sell (and then disappear from the API); the others stay up. 0 makes a market where
    /// nothing sells: listings only arrive, drop their prices and are pushed down by newer ones.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SoldFraction { get; set; } = 0.65;

    /// <summary>
    /// Share of the listings that leave the market which are withdrawn (deleted: their item page answers 404) rather
    /// than sold (their item page stays up, marked sold). Which is which is in <see cref="Market.Marketplace.ExitOf"/>.
    /// </summary>
    [Range(0.0, 1.0)]
    public double WithdrawnFraction { get; set; } = 0.25;

    /// <summary>Share of the listings that left whose item page says nothing clear (a page without the item's state).</summary>
    [Range(0.0, 1.0)]
    public double UnclearPageFraction { get; set; } = 0.1;

    /// <summary>Results of one search the API serves at most; deeper pages come back empty.</summary>
    [Range(1, 1_000_000_000)]
    public int MaxReachableResults { get; set; } = 960;

    [Range(1, 96)]
    public int DefaultPerPage { get; set; } = 24;

    public SimulatorEra Era { get; set; } = SimulatorEra.Both;

    /// <summary>The domain of requests whose path starts with no domain key (e.g. <c>/svc-catalogue/items</c>).</summary>
    [Required]
    public string DefaultDomain { get; set; } = "pt";

    /// <summary>TCP port on 127.0.0.1 for <see cref="SimulatorHost"/>; 0 picks a free one.</summary>
    [Range(0, 65_535)]
    public int Port { get; set; }

    [Required]
    public SimulatorFaults Faults { get; set; } = new();
}

/// <summary>
/// Faults to inject. Rates are probabilities per attempt. Whether attempt n of a request (same domain, path, query
/// and date) is faulted is a pure function of (seed, request, n), and attempts after
/// <see cref="MaxFaultedAttempts"/> are never faulted, so a client that retries enough always gets through.
/// </summary>
public sealed record SimulatorFaults
{
    /// <summary>Probability of a 429 with <c>Retry-After</c>.</summary>
    [Range(0.0, 1.0)]
    public double RateLimitRate { get; init; }

    [Range(0, 3_600)]
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Send Retry-After as an HTTP date instead of delta seconds.</summary>
    public bool RetryAfterAsDate { get; init; }

    /// <summary>Probability of a 500/502/503.</summary>
    [Range(0.0, 1.0)]
    public double ServerErrorRate { get; init; }

    [Range(0, 60_000)]
    public int LatencyMs { get; init; }

    /// <summary>Probability that the connection is aborted before any response.</summary>
    [Range(0.0, 1.0)]
    public double ConnectionResetRate { get; init; }

    /// <summary>Probability of a 200 whose JSON is cut in half.</summary>
    [Range(0.0, 1.0)]
    public double TruncatedBodyRate { get; init; }

    /// <summary>Probability of a 200 whose body is not JSON at all.</summary>
    [Range(0.0, 1.0)]
    public double MalformedJsonRate { get; init; }

    /// <summary>Probability of an anti-bot 403 HTML page.</summary>
    [Range(0.0, 1.0)]
    public double AntiBotRate { get; init; }

    /// <summary>
    /// Fraction of item pages (chosen per listing, deterministically, every attempt) answered with the anti-bot 403 page:
    /// the item page is the path Vinted's bot protection polices hardest (aminalmasi/vinted-watcher saw it 403 while the
    /// catalog API from the same exits was served).
    /// </summary>
    [Range(0.0, 1.0)]
    public double ItemPageAntiBotRate { get; init; }

    /// <summary>Probability of a page served without <c>pagination</c>.</summary>
    [Range(0.0, 1.0)]
    public double MissingPaginationRate { get; init; }

    /// <summary>Fraction of items (chosen per item, deterministically) whose prices use the old string form.</summary>
    [Range(0.0, 1.0)]
    public double StringPriceFraction { get; init; }

    /// <summary>
    /// Fraction of items (chosen per item, deterministically) served broken, in turn: an id that is not a number, a
    /// lone surrogate in the title, a NUL in the title, a price with a decimal comma (<c>"12,50"</c>). See
    /// <see cref="Market.BadItems"/> for which item is broken how.
    /// </summary>
    [Range(0.0, 1.0)]
    public double BadItemFraction { get; init; }

    /// <summary>A session token expires after this many API requests (401 <c>invalid_authentication_token</c>); 0 never.</summary>
    [Range(0, int.MaxValue)]
    public int SessionExpiryEvery { get; init; }

    /// <summary>
    /// Client addresses the anti-bot layer blocks outright (every request, the home page included, gets the 403 HTML
    /// page), as Vinted blocks datacenter addresses: tests give each local proxy its own source address (127.0.0.x).
    /// </summary>
    public IReadOnlyList<string> BlockedAddresses { get; init; } = [];

    /// <summary>Attempts of one request that may be faulted; later ones are served.</summary>
    [Range(0, 1_000)]
    public int MaxFaultedAttempts { get; init; } = 2;

    /// <summary>The shape of every anti-bot 403 (<see cref="AntiBotRate"/>, <see cref="BlockedAddresses"/>, <see cref="BlockedDomains"/>).</summary>
    public BlockShape BlockShape { get; init; } = BlockShape.Html;

    /// <summary>Domains the anti-bot layer blocks outright: every request to them, the home page included, gets the 403 of <see cref="BlockShape"/>.</summary>
    public IReadOnlyList<string> BlockedDomains { get; init; } = [];

    /// <summary>
    /// Probability that a catalog page after the first answers 200 with no items but its pagination intact, as a soft
    /// block does in the middle of a search (not retried: a 200 is an answer).
    /// </summary>
    [Range(0.0, 1.0)]
    public double EmptyPageRate { get; init; }

    /// <summary>
    /// Fraction of catalog items (chosen per item, deterministically) served without the flat <c>brand_title</c>,
    /// <c>size_title</c> and <c>status</c> (absent, or empty in turn): only their card (<c>item_box</c>) carries them.
    /// </summary>
    [Range(0.0, 1.0)]
    public double CardOnlyFraction { get; init; }

    /// <summary>Promoted cards (adverts, any listing of the market, matching the search or not) placed first on every catalog page.</summary>
    [Range(0, 20)]
    public int PromotedPerPage { get; init; }
}

/// <summary>How the simulated anti-bot layer answers a blocked request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BlockShape>))]
public enum BlockShape
{
    /// <summary>An HTML interstitial (the simulator's historic page).</summary>
    Html,

    /// <summary>
    /// DataDome: JSON <c>{"url":"https://geo.captcha-delivery.com/captcha/?..."}</c> to an API call, an HTML challenge to the
    /// home page; both with <c>X-DataDome: protected</c> and a <c>datadome</c> cookie.
    /// </summary>
    DataDome,

    /// <summary>Cloudflare's "Access denied" HTML page, with <c>Server: cloudflare</c> and <c>CF-RAY</c>.</summary>
    CloudflareHtml,

    /// <summary>Cloudflare error 1020 (a firewall rule): the text body <c>error code: 1020</c>.</summary>
    Cloudflare1020,
}
