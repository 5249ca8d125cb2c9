using Vinted.Api.Models;

namespace Vinted.Api;

/// <summary>Fetches raw pages of Vinted searches; what the ingestion layer calls.</summary>
public interface IVintedClient
{
    /// <summary>The endpoint <paramref name="search"/> goes to on its domain (configuration, no request).</summary>
    VintedEndpoint EndpointFor(VintedSearch search);

    /// <summary>
    /// Fetches 1-based <paramref name="page"/> of <paramref name="search"/> from the endpoint the domain is configured
    /// for, with session, rate limit and retries. A 2xx body is always returned, flagged when it is not a usable page.
    /// </summary>
    /// <exception cref="VintedBlockedException">An anti-bot layer answered 403 (DataDome, Cloudflare; see <see cref="VintedBlockedException.Kind"/>).</exception>
    /// <exception cref="VintedRequestException">Any other failure; see <see cref="VintedApiException.IsTransient"/>.</exception>
    Task<FetchedPage> FetchPageAsync(VintedSearch search, int page, CancellationToken cancellationToken);

    /// <summary>
    /// Fetches the public page of listing <paramref name="itemId"/> on <paramref name="domain"/> (<c>/items/{id}</c>),
    /// through the same rate limit, session and retries. A 200 or a 404/410 is returned with its body as received.
    /// </summary>
    /// <exception cref="VintedBlockedException">An anti-bot 403 HTML page answered on every route.</exception>
    /// <exception cref="VintedRequestException">Any other failure.</exception>
    Task<FetchedItemPage> FetchItemPageAsync(string domain, long itemId, CancellationToken cancellationToken);
}
