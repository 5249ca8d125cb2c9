using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Vinted.Api.Http;
using Vinted.Api.Logging;
using Vinted.Api.Models;
using Vinted.Api.Options;
using Vinted.Api.Parsing;

namespace Vinted.Api;

/// <summary>
/// The Vinted API client. One instance per process: it holds, per domain, the rate limiter (shared by every
/// caller), the circuit breaker and the anonymous session. Cookies are handled by hand (the handler's cookie
/// container is off) because svc-catalogue wants the token as a header, not a cookie.
/// </summary>
public sealed class VintedClient : IVintedClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly VintedApiOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<DomainChannel>> _domains = new(StringComparer.Ordinal);

    /// <summary>Creates the client on <paramref name="httpClient"/>, whose handler must not manage cookies (see <see cref="CreateHandler"/>).</summary>
    public VintedClient(HttpClient httpClient, VintedApiOptions options, TimeProvider timeProvider, ILogger<VintedClient>? logger = null)
    {
        _http = httpClient;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The handler the client expects: no cookie container, decompression on, pooled connections recycled.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>The endpoint <paramref name="search"/> goes to on its domain.</summary>
    public VintedEndpoint EndpointFor(VintedSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var options = _options.For(search.Domain);
        return search.Kind switch
        {
            VintedSearchKind.Seller => options.SellerEndpoint == SellerEndpointKind.Users ? VintedEndpoint.SellerUsers : VintedEndpoint.SellerWardrobe,
            _ => options.CatalogEndpoint == CatalogEndpointEra.Current ? VintedEndpoint.CatalogCurrent : VintedEndpoint.CatalogLegacy,
        };
    }

    /// <summary>The URI of <paramref name="page"/> of <paramref name="search"/>; it holds no secret.</summary>
    public Uri BuildUri(VintedSearch search, int page)
    {
        var endpoint = EndpointFor(search);
        var channel = Channel(search.Domain);
        var query = VintedQuery.ToQueryString(search, endpoint, page);
        var (root, path) = endpoint switch
        {
            VintedEndpoint.CatalogCurrent => (channel.ApiBase, "svc-catalogue/items"),
            VintedEndpoint.CatalogLegacy => (channel.SiteBase, "api/v2/catalog/items"),
            VintedEndpoint.SellerUsers => (channel.SiteBase, $"api/v2/users/{search.SellerId}/items"),
            _ => (channel.SiteBase, $"api/v2/wardrobe/{search.SellerId}/items"),
        };
        return new Uri($"{root.ToString().TrimEnd('/')}/{path}?{query}");
    }

    public async Task<FetchedPage> FetchPageAsync(VintedSearch search, int page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        var endpoint = EndpointFor(search);
        var uri = BuildUri(search, page);
        var channel = Channel(search.Domain);
        var bearer = endpoint == VintedEndpoint.CatalogCurrent;
        using var span = VintedTelemetry.Source.StartActivity("vinted.fetch_page", System.Diagnostics.ActivityKind.Internal);
        span?.SetTag("vinted.domain", channel.Domain);
        span?.SetTag("vinted.search_key", search.Key);
        span?.SetTag("vinted.page", page);
        var started = _timeProvider.GetTimestamp();
        var outcome = "error";
        try
        {
            var fetched = await FetchRotatingAsync(search, page, endpoint, uri, channel, bearer, cancellationToken);
            outcome = fetched.ProblemKind == PageProblemKind.None ? "ok" : "flagged";
            return fetched;
        }
        catch (VintedBlockedException)
        {
            outcome = "blocked";
            throw;
        }
        finally
        {
            span?.SetTag("vinted.outcome", outcome);
            if (outcome is "blocked" or "error")
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome);
            }

            VintedTelemetry.PageDuration.Record(
                _timeProvider.GetElapsedTime(started).TotalSeconds, new("vinted.domain", channel.Domain), new("vinted.outcome", outcome));
        }
    }

    /// <summary>The public page of listing <paramref name="itemId"/> on <paramref name="domain"/>; it holds no secret.</summary>
    public Uri ItemPageUri(string domain, long itemId) => new($"{Channel(domain).SiteBase.ToString().TrimEnd('/')}/items/{itemId}");

    public async Task<FetchedItemPage> FetchItemPageAsync(string domain, long itemId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        var channel = Channel(domain);
        var uri = ItemPageUri(domain, itemId);
        using var span = VintedTelemetry.Source.StartActivity("vinted.fetch_item_page", System.Diagnostics.ActivityKind.Internal);
        span?.SetTag("vinted.domain", channel.Domain);
        span?.SetTag("vinted.item_id", itemId);
        var response = await SendRotatingAsync(channel, uri, bearer: false, itemPage: true, cancellationToken);
        return new FetchedItemPage
        {
            Domain = domain,
            ItemId = itemId,
            RequestUri = uri,
            StatusCode = response.StatusCode,
            ContentType = response.ContentType,
            FetchedAt = _timeProvider.GetUtcNow(),
            Body = response.Body,
        };
    }

    private async Task<FetchedPage> FetchRotatingAsync(
        VintedSearch search, int page, VintedEndpoint endpoint, Uri uri, DomainChannel channel, bool bearer, CancellationToken cancellationToken)
    {
        var response = await SendRotatingAsync(channel, uri, bearer, itemPage: false, cancellationToken);
        var inspection = VintedPageParser.Inspect(response.Body);
        if (inspection.Problem is { } problem)
        {
            _logger.PageFlagged(channel.Domain, search.Key, page, problem);
        }

        return new FetchedPage
        {
            Domain = search.Domain,
            SearchKey = search.Key,
            Page = page,
            Endpoint = endpoint,
            RequestUri = uri,
            StatusCode = response.StatusCode,
            ContentType = response.ContentType,
            FetchedAt = _timeProvider.GetUtcNow(),
            Body = response.Body,
            Pagination = inspection.Pagination,
            ItemCount = inspection.ItemCount,
            PromotedCount = inspection.PromotedCount,
            ProblemKind = inspection.ProblemKind,
            Problem = inspection.Problem,
        };
    }

    /// <summary>
    /// One request through the domain's routes: one try per route at most; a block (or an unreachable proxy) cools the
    /// route down and the request goes through the next one, with that route's own session. When every route cools down
    /// the domain is blocked for now.
    /// </summary>
    private async Task<HttpAttempt> SendRotatingAsync(DomainChannel channel, Uri uri, bool bearer, bool itemPage, CancellationToken cancellationToken)
    {
        // One try per route at most: a block (or an unreachable proxy) cools the route down and the request goes through
        // the next one, with that route's own session. When every route cools down the domain is blocked for now.
        HttpAttempt? response = null;
        VintedBlockKind? lastBlock = null;
        for (var tries = 0; response is null; tries++)
        {
            var route = channel.NextRoute(_timeProvider.GetUtcNow());
            if (route is null || tries >= channel.Routes.Count)
            {
                _logger.DomainCircuitOpen(channel.Domain, channel.Routes.Count, channel.ReopensAt);
                var kind = lastBlock ?? VintedBlockKind.AntiBotPage;
                throw new VintedBlockedException(channel.Domain, uri, kind,
                    $"Vinted blocked domain '{channel.Domain}' ({kind.Describe()}): every route ({string.Join(", ", channel.Routes.Select(r => r.Name))}) was blocked or unreachable " +
                    $"and cools down until {channel.ReopensAt:u}; not retried before: {uri}");
            }

            try
            {
                response = await FetchThroughAsync(channel, route, uri, bearer, itemPage, cancellationToken);
            }
            catch (VintedBlockedException e)
            {
                lastBlock = e.Kind;
                var until = _timeProvider.GetUtcNow() + channel.Options.ProxyCoolDown;
                CoolDown(channel, route, until, "blocked");
            }
            catch (VintedRequestException e) when (e.StatusCode is null && channel.Routes.Count > 1)
            {
                // No answer at all after the retries: with proxies, most likely the proxy, not Vinted; another may get through.
                var until = _timeProvider.GetUtcNow() + channel.Options.ProxyCoolDown;
                CoolDown(channel, route, until, "unreachable");
            }
        }

        return response;
    }

    private void CoolDown(DomainChannel channel, ProxyRoute route, DateTimeOffset until, string reason)
    {
        route.CoolDown(until, blocked: reason == "blocked");
        _logger.RouteCoolingDown(channel.Domain, route.Name, reason, until);
        VintedTelemetry.CoolDowns.Add(1, new("vinted.domain", channel.Domain), new("vinted.route", route.Name), new("vinted.reason", reason));
        System.Diagnostics.Activity.Current?.AddEvent(new System.Diagnostics.ActivityEvent("route cooled down", tags: new() { ["vinted.route"] = route.Name, ["vinted.reason"] = reason }));
    }

    /// <summary>The health of every route of every domain used so far: requests, blocks, failures, cool-downs.</summary>
    public IReadOnlyList<ProxyHealth> RouteHealth()
    {
        var now = _timeProvider.GetUtcNow();
        return _domains.Values.Where(c => c.IsValueCreated).SelectMany(c => c.Value.Routes.Select(r => r.Health(c.Value.Domain, now)))
            .OrderBy(h => h.Domain, StringComparer.Ordinal).ThenBy(h => h.Route, StringComparer.Ordinal).ToList();
    }

    /// <summary>The page through one route: its session (opened through it), the request, a session refresh on 401, the verdict.</summary>
    private async Task<HttpAttempt> FetchThroughAsync(DomainChannel channel, ProxyRoute route, Uri uri, bool bearer, bool itemPage, CancellationToken cancellationToken)
    {
        var session = await route.GetSessionAsync((generation, ct) => CreateSessionAsync(channel, route, generation, ct), cancellationToken);
        var response = await SendAsync(channel, route, uri, session, bearer, itemPage, cancellationToken);
        if (response.StatusCode == (int)HttpStatusCode.Unauthorized)
        {
            // The token expired or was revoked: the site's own answer is a new home-page visit, once.
            session = await route.ReplaceAsync(session, async (generation, ct) =>
            {
                var fresh = await CreateSessionAsync(channel, route, generation, ct);
                _logger.SessionRefreshed(channel.Domain);
                return fresh;
            }, cancellationToken);
            response = await SendAsync(channel, route, uri, session, bearer, itemPage, cancellationToken);
        }

        Classify(channel, uri, response, itemPage);
        return response;
    }

    public void Dispose()
    {
        foreach (var channel in _domains.Values.Where(c => c.IsValueCreated))
        {
            channel.Value.Dispose();
        }
    }

    private DomainChannel Channel(string domain) =>
        _domains.GetOrAdd(domain, key => new Lazy<DomainChannel>(() =>
            new DomainChannel(key, _options.For(key), _options.UserAgent, _http, _timeProvider, _logger))).Value;

    private async Task<VintedSession> CreateSessionAsync(DomainChannel channel, ProxyRoute route, long generation, CancellationToken cancellationToken)
    {
        var home = new Uri(channel.SiteBase.ToString().TrimEnd('/') + "/");
        var response = await SendAsync(channel, route, home, session: null, bearer: false, document: true, cancellationToken);
        Classify(channel, home, response, itemPage: false);
        var session = VintedSession.FromHomePage(response, generation)
            ?? throw new VintedRequestException($"The home page of domain '{channel.Domain}' set no access_token_web cookie: {home}",
                channel.Domain, home, (HttpStatusCode)response.StatusCode, isTransient: true);
        if (generation == 1)
        {
            _logger.SessionEstablished(channel.Domain);
        }

        return session;
    }

    private void Classify(DomainChannel channel, Uri uri, HttpAttempt response, bool itemPage)
    {
        var status = response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return;
        }

        // A deleted listing's page answers 404 (or 410): that is the answer sought, not a failure.
        if (itemPage && status is 404 or 410)
        {
            return;
        }

        // A DataDome captcha answers an API call with JSON, not HTML: the vendor's marks, not the content type, make a block.
        if (BlockDetector.Detect(response) is { } block)
        {
            _logger.Blocked(channel.Domain, uri, block.Describe());
            throw new VintedBlockedException(channel.Domain, uri, block);
        }

        var transient = VintedResilience.IsTransientStatus(status) || status == (int)HttpStatusCode.Unauthorized;
        var snippet = System.Text.Encoding.UTF8.GetString(response.Body.AsSpan(0, Math.Min(200, response.Body.Length)));
        throw new VintedRequestException(
            $"Vinted answered {status} for {uri} (domain '{channel.Domain}'{(transient ? ", after retries" : ", not retried")}): {snippet}",
            channel.Domain, uri, (HttpStatusCode)status, transient);
    }

    private async Task<HttpAttempt> SendAsync(
        DomainChannel channel, ProxyRoute route, Uri uri, VintedSession? session, bool bearer, bool document, CancellationToken cancellationToken)
    {
        try
        {
            return await channel.Pipeline.ExecuteAsync(
                static async (state, ct) => await state.Client.AttemptAsync(state.Channel, state.Route, state.Uri, state.Session, state.Bearer, state.Document, ct),
                (Client: this, Channel: channel, Route: route, Uri: uri, Session: session, Bearer: bearer, Document: document),
                cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or TimeoutRejectedException
            or BrokenCircuitException or RateLimiterRejectedException)
        {
            throw new VintedRequestException(
                $"Request to {uri} (domain '{channel.Domain}') failed after retries: {exception.GetType().Name}: {exception.Message}",
                channel.Domain, uri, statusCode: null, isTransient: true, exception);
        }
    }

    private async Task<HttpAttempt> AttemptAsync(
        DomainChannel channel, ProxyRoute route, Uri uri, VintedSession? session, bool bearer, bool document, CancellationToken cancellationToken)
    {
        // The proxy's own limit, after the domain's (the pipeline's limiter): each attempt takes a permit of both.
        using var lease = route.Limiter is { } limiter ? await limiter.AcquireAsync(1, cancellationToken) : null;
        if (lease is { IsAcquired: false })
        {
            throw new RateLimiterRejectedException($"The rate limiter of proxy {route.Name} refused the request.");
        }

        route.CountRequest();
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("User-Agent", channel.UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(session is null || document ? "text/html" : "application/json"));
        if (session is not null)
        {
            if (bearer)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
                request.Headers.TryAddWithoutValidation("X-Anon-Id", session.AnonId);
            }
            else
            {
                request.Headers.TryAddWithoutValidation("Cookie", session.CookieHeader);
                request.Headers.TryAddWithoutValidation("X-Anon-Id", session.AnonId);
            }
        }

        using var response = await route.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        VintedTelemetry.Requests.Add(1, new("vinted.domain", channel.Domain), new("vinted.route", route.Name), new("vinted.outcome", VintedTelemetry.Outcome((int)response.StatusCode)));
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _timeProvider.GetUtcNow(),
            _ => null,
        };
        var setCookies = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.ToArray() : [];
        var anonId = response.Headers.TryGetValues("x-anon-id", out var anon) ? anon.FirstOrDefault() : null;
        var marks = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in BlockDetector.HeaderNames)
        {
            if (response.Headers.TryGetValues(name, out var values))
            {
                marks[name] = string.Join(", ", values);
            }
        }

        return new HttpAttempt((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), retryAfter, body, setCookies, anonId) { Headers = marks };
    }
}
