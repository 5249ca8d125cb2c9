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

        var session = await channel.GetSessionAsync((generation, ct) => CreateSessionAsync(channel, generation, ct), cancellationToken);
        var response = await SendAsync(channel, uri, session, bearer, cancellationToken);
        if (response.StatusCode == (int)HttpStatusCode.Unauthorized)
        {
            // The token expired or was revoked: the site's own answer is a new home-page visit, once.
            session = await channel.ReplaceAsync(session, async (generation, ct) =>
            {
                var fresh = await CreateSessionAsync(channel, generation, ct);
                _logger.SessionRefreshed(channel.Domain);
                return fresh;
            }, cancellationToken);
            response = await SendAsync(channel, uri, session, bearer, cancellationToken);
        }

        Classify(channel, uri, response);
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
            ProblemKind = inspection.ProblemKind,
            Problem = inspection.Problem,
        };
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
            new DomainChannel(key, _options.For(key), _options.UserAgent, _timeProvider, _logger))).Value;

    private async Task<VintedSession> CreateSessionAsync(DomainChannel channel, long generation, CancellationToken cancellationToken)
    {
        var home = new Uri(channel.SiteBase.ToString().TrimEnd('/') + "/");
        var response = await SendAsync(channel, home, session: null, bearer: false, cancellationToken);
        Classify(channel, home, response);
        var session = VintedSession.FromHomePage(response, generation)
            ?? throw new VintedRequestException($"The home page of domain '{channel.Domain}' set no access_token_web cookie: {home}",
                channel.Domain, home, (HttpStatusCode)response.StatusCode, isTransient: true);
        if (generation == 1)
        {
            _logger.SessionEstablished(channel.Domain);
        }

        return session;
    }

    private void Classify(DomainChannel channel, Uri uri, HttpAttempt response)
    {
        var status = response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return;
        }

        if (status == (int)HttpStatusCode.Forbidden && response.IsHtml)
        {
            _logger.Blocked(channel.Domain, uri);
            throw new VintedBlockedException(channel.Domain, uri);
        }

        var transient = VintedResilience.IsTransientStatus(status) || status == (int)HttpStatusCode.Unauthorized;
        var snippet = System.Text.Encoding.UTF8.GetString(response.Body.AsSpan(0, Math.Min(200, response.Body.Length)));
        throw new VintedRequestException(
            $"Vinted answered {status} for {uri} (domain '{channel.Domain}'{(transient ? ", after retries" : ", not retried")}): {snippet}",
            channel.Domain, uri, (HttpStatusCode)status, transient);
    }

    private async Task<HttpAttempt> SendAsync(DomainChannel channel, Uri uri, VintedSession? session, bool bearer, CancellationToken cancellationToken)
    {
        try
        {
            return await channel.Pipeline.ExecuteAsync(
                static async (state, ct) => await state.Client.AttemptAsync(state.Channel, state.Uri, state.Session, state.Bearer, ct),
                (Client: this, Channel: channel, Uri: uri, Session: session, Bearer: bearer),
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

    private async Task<HttpAttempt> AttemptAsync(DomainChannel channel, Uri uri, VintedSession? session, bool bearer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("User-Agent", channel.UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(session is null ? "text/html" : "application/json"));
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

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _timeProvider.GetUtcNow(),
            _ => null,
        };
        var setCookies = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.ToArray() : [];
        var anonId = response.Headers.TryGetValues("x-anon-id", out var anon) ? anon.FirstOrDefault() : null;
        return new HttpAttempt((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), retryAfter, body, setCookies, anonId);
    }
}
