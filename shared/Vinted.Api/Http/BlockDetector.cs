using System.Text;
using Vinted.Api.Models;

namespace Vinted.Api.Http;

/// <summary>
/// Tells an anti-bot 403 from Vinted's own refusal. Shapes as seen on the real site:
/// <list type="bullet">
/// <item>DataDome to an API call: 403 JSON <c>{"url": "https://geo.captcha-delivery.com/captcha/?initialCid=..."}</c>
/// (https://github.com/ewkt/Vinted-Discord-Notifications/issues/3), with <c>x-datadome: protected</c> on Vinted's 403s
/// (a 2026 field log of Vinted calls indexed by the search tool, "403 + x-datadome: protected" with captcha
/// geo.captcha-delivery.com; its repository was not named) and a <c>Set-Cookie: datadome=...</c>.</item>
/// <item>DataDome to a page load: an HTML page that "comes with a 403 code and a Set-Cookie: datadome=..." header
/// (ZennoLab/capmonstercloud-docs, i18n/en/docusaurus-plugin-content-docs/current/captchas/datadome.md).</item>
/// <item>Cloudflare: 403 text/html with <c>Server: cloudflare</c>, <c>CF-RAY</c> and the title "Access denied | ... used
/// Cloudflare to restrict access" (https://github.com/VeNoMouS/cloudscraper/issues/100); error 1020 answers 403 with the
/// body <c>error code: 1020</c> (https://github.com/JimmyLaurent/cloudflare-scraper/issues/27).</item>
/// </list>
/// A 403 in none of these shapes and not HTML (Vinted's JSON <c>{"code":106,...}</c>) is a refusal, not a block.
/// </summary>
internal static class BlockDetector
{
    // Only the start of a body is looked at: a challenge names its vendor early, and a page body is never a block.
    private const int Sniff = 4096;

    public static VintedBlockKind? Detect(HttpAttempt response) => Detect(response.StatusCode, response.IsHtml, response.Headers, response.SetCookies, response.Body);

    public static VintedBlockKind? Detect(
        int status, bool isHtml, IReadOnlyDictionary<string, string> headers, IReadOnlyList<string> setCookies, ReadOnlySpan<byte> body)
    {
        if (status != 403)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, Sniff)]);
        var dataDome = headers.ContainsKey("x-datadome") || headers.ContainsKey("x-datadome-cid")
            || setCookies.Any(c => c.TrimStart().StartsWith("datadome=", StringComparison.OrdinalIgnoreCase))
            || text.Contains("captcha-delivery.com", StringComparison.OrdinalIgnoreCase);
        if (dataDome)
        {
            return isHtml ? VintedBlockKind.DataDomeChallenge : VintedBlockKind.DataDomeCaptcha;
        }

        var cloudflare = headers.TryGetValue("server", out var server) && server.Contains("cloudflare", StringComparison.OrdinalIgnoreCase)
            || headers.ContainsKey("cf-ray") || headers.ContainsKey("cf-mitigated")
            || text.Contains("cloudflare", StringComparison.OrdinalIgnoreCase);
        if (text.Contains("error code: 1020", StringComparison.OrdinalIgnoreCase) || cloudflare && text.Contains("1020", StringComparison.Ordinal))
        {
            return VintedBlockKind.CloudflareFirewall;
        }

        if (cloudflare)
        {
            return VintedBlockKind.CloudflareChallenge;
        }

        return isHtml ? VintedBlockKind.AntiBotPage : null;
    }

    /// <summary>The response headers the detector reads, kept with each attempt (lower-case names).</summary>
    public static readonly IReadOnlyList<string> HeaderNames = ["server", "x-datadome", "x-datadome-cid", "cf-ray", "cf-mitigated"];
}
