using System.Text.Json.Serialization;

namespace Vinted.Api.Models;

/// <summary>
/// Which anti-bot layer answered a 403, and in which shape. Every kind is a block: never data, never retried in the
/// same run through the same route.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<VintedBlockKind>))]
public enum VintedBlockKind
{
    /// <summary>An HTML 403 that names no vendor.</summary>
    AntiBotPage,

    /// <summary>
    /// DataDome's answer to an API call: JSON naming the captcha, <c>{"url":"https://geo.captcha-delivery.com/captcha/?..."}</c>,
    /// with <c>X-DataDome: protected</c> and a <c>datadome</c> cookie.
    /// </summary>
    DataDomeCaptcha,

    /// <summary>DataDome's answer to a page load: an HTML challenge (its script from <c>captcha-delivery.com</c>).</summary>
    DataDomeChallenge,

    /// <summary>Cloudflare's HTML 403 ("Access denied | ... used Cloudflare to restrict access").</summary>
    CloudflareChallenge,

    /// <summary>Cloudflare error 1020, a firewall rule: the body is <c>error code: 1020</c> (text) or an HTML page naming it.</summary>
    CloudflareFirewall,
}

/// <summary>Words for a block kind in warnings and reports.</summary>
public static class VintedBlockKinds
{
    public static string Describe(this VintedBlockKind kind) => kind switch
    {
        VintedBlockKind.DataDomeCaptcha => "DataDome captcha (403 JSON)",
        VintedBlockKind.DataDomeChallenge => "DataDome challenge (403 HTML)",
        VintedBlockKind.CloudflareChallenge => "Cloudflare challenge (403 HTML)",
        VintedBlockKind.CloudflareFirewall => "Cloudflare firewall, error 1020 (403)",
        _ => "anti-bot page (403 HTML)",
    };
}
