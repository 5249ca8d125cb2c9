using System.Text;
using Microsoft.AspNetCore.Http;

namespace Vinted.Simulator.Http;

/// <summary>
/// The 403s of the anti-bot layers in front of Vinted, in the shapes seen on the real site (see Vinted.Api's
/// BlockDetector for the sources): DataDome answers an API call with JSON naming its captcha
/// (https://github.com/ewkt/Vinted-Discord-Notifications/issues/3) and a page load with an HTML challenge and a
/// <c>datadome</c> cookie (ZennoLab/capmonstercloud-docs, captchas/datadome.md), both marked <c>X-DataDome: protected</c>;
/// Cloudflare answers with its "Access denied" HTML page (https://github.com/VeNoMouS/cloudscraper/issues/100) or, for a
/// firewall rule, the text <c>error code: 1020</c> (https://github.com/JimmyLaurent/cloudflare-scraper/issues/27).
/// </summary>
internal static class BlockResponses
{
    private static readonly byte[] InterstitialPage = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html><html><head><title>Access denied</title></head><body><h1>Please enable JS and disable any ad blocker</h1><script src=\"https://ct.captcha-delivery.com/c.js\"></script></body></html>");

    private static readonly byte[] DataDomeChallenge = Encoding.UTF8.GetBytes(
        "<html><head><title>vinted.com</title><style>#cmsg{animation: A 1.5s;}</style></head><body style=\"margin:0\">" +
        "<p id=\"cmsg\">Please enable JS and disable any ad blocker</p><script data-cfasync=\"false\">var dd={'rt':'c','cid':'AHrlqAAAAAMA','hsh':'sim','t':'fe','s':44311,'e':'sim','host':'geo.captcha-delivery.com'}</script>" +
        "<script data-cfasync=\"false\" src=\"https://ct.captcha-delivery.com/c.js\"></script></body></html>");

    private static readonly byte[] CloudflarePage = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html><html class=\"no-js\" lang=\"en-US\"><head><title>Access denied | www.vinted.com used Cloudflare to restrict access</title>" +
        "<meta charset=\"UTF-8\" /></head><body><div id=\"cf-wrapper\"><h1><span class=\"cf-error-type\">Error</span> <span class=\"cf-error-code\">1005</span></h1>" +
        "<h2 class=\"cf-subheadline\">Access denied</h2><p>The owner of this website (www.vinted.com) has banned your access based on your browser's signature.</p></div></body></html>");

    public static Task WriteAsync(HttpContext context, SimulatorFaults faults, bool apiCall)
    {
        var response = context.Response;
        response.StatusCode = 403;
        byte[] body;
        switch (faults.BlockShape)
        {
            case BlockShape.DataDome:
                response.Headers["X-DataDome"] = "protected";
                response.Headers["X-DD-B"] = "1";
                response.Headers.Append("Set-Cookie", "datadome=sim~Qm5v1T0kIbt7QaHmuwzBsC3l; Max-Age=31536000; Domain=.vinted.com; Path=/; Secure; SameSite=Lax");
                if (apiCall)
                {
                    response.ContentType = "application/json; charset=utf-8";
                    body = Encoding.UTF8.GetBytes("{\"url\":\"https://geo.captcha-delivery.com/captcha/?initialCid=AHrlqAAAAAMA&hash=sim&cid=sim~Qm5v1T0kIbt7QaHmuwzBsC3l&t=fe&referer=https%3A%2F%2Fwww.vinted.com%2F&s=44311&e=sim\"}");
                }
                else
                {
                    response.ContentType = "text/html; charset=utf-8";
                    body = DataDomeChallenge;
                }

                break;
            case BlockShape.CloudflareHtml:
                response.Headers.Server = "cloudflare";
                response.Headers["CF-RAY"] = "8f0c5e1a2b3c4d5e-CDG";
                response.ContentType = "text/html; charset=UTF-8";
                body = CloudflarePage;
                break;
            case BlockShape.Cloudflare1020:
                response.Headers.Server = "cloudflare";
                response.Headers["CF-RAY"] = "8f0c5e1a2b3c4d5e-CDG";
                response.ContentType = "text/plain; charset=UTF-8";
                body = "error code: 1020"u8.ToArray();
                break;
            default:
                response.ContentType = "text/html; charset=utf-8";
                body = InterstitialPage;
                break;
        }

        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
