using System.Net;
using Vinted.Api.Models;

namespace Vinted.Api;

/// <summary>
/// Base of every failure the client reports. <see cref="IsTransient"/> tells the orchestration's retry policy
/// whether a later attempt may succeed; list <c>Vinted.Api.VintedBlockedException</c> and non-transient
/// <c>Vinted.Api.VintedRequestException</c> as not retryable there.
/// </summary>
public abstract class VintedApiException : Exception
{
    protected VintedApiException(string message, string domain, Uri? requestUri, HttpStatusCode? statusCode, bool isTransient, Exception? innerException)
        : base(message, innerException)
    {
        Domain = domain;
        RequestUri = requestUri;
        StatusCode = statusCode;
        IsTransient = isTransient;
    }

    public string Domain { get; }

    public Uri? RequestUri { get; }

    /// <summary>The HTTP status of the last attempt, when one answered.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>True when retrying later may succeed (5xx, 408, 429, timeouts, connection failures, open circuit).</summary>
    public bool IsTransient { get; }
}

/// <summary>
/// An anti-bot layer (DataDome, Cloudflare) answered 403: a captcha as JSON, a challenge or firewall page as HTML or
/// text. Never data; not transient: retrying at once deepens the block, so the route cools down and the run goes on
/// without the page, saying so. <see cref="Kind"/> says which layer and shape.
/// </summary>
public sealed class VintedBlockedException(string domain, Uri requestUri, VintedBlockKind kind = VintedBlockKind.AntiBotPage, string? message = null)
    : VintedApiException(message ?? $"Vinted blocked the request for domain '{domain}' ({kind.Describe()}): {requestUri}", domain, requestUri, HttpStatusCode.Forbidden, isTransient: false, innerException: null)
{
    public VintedBlockKind Kind { get; } = kind;
}

/// <summary>
/// A request failed: a 4xx other than 401/429 (not transient, never retried), or a transient failure that
/// outlived the retries (5xx, 408, 429, timeout, connection failure, open circuit, 401 after a session refresh).
/// </summary>
public sealed class VintedRequestException(string message, string domain, Uri? requestUri, HttpStatusCode? statusCode, bool isTransient, Exception? innerException = null)
    : VintedApiException(message, domain, requestUri, statusCode, isTransient, innerException);
