namespace Vinted.Api.Http;

/// <summary>
/// An anonymous session as the site hands it out on its home page. <see cref="CookieHeader"/> holds every cookie
/// set there (the <c>/api/v2</c> endpoints read them); svc-catalogue takes the token as a Bearer header plus
/// <c>X-Anon-Id</c>. A record's generated ToString would print the token: it is overridden.
/// </summary>
internal sealed record VintedSession(string AccessToken, string AnonId, string CookieHeader, long Generation)
{
    public override string ToString() => $"VintedSession(generation {Generation})";

    /// <summary>Reads the session from the home page's Set-Cookie headers and <c>x-anon-id</c> header; null when it set no token.</summary>
    public static VintedSession? FromHomePage(HttpAttempt response, long generation)
    {
        var cookies = new List<KeyValuePair<string, string>>();
        foreach (var header in response.SetCookies)
        {
            var pair = header.AsSpan();
            var end = pair.IndexOf(';');
            if (end >= 0)
            {
                pair = pair[..end];
            }

            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var name = pair[..equals].Trim().ToString();
            var value = pair[(equals + 1)..].Trim().ToString();
            cookies.RemoveAll(c => c.Key == name);
            cookies.Add(new(name, value));
        }

        var token = cookies.FirstOrDefault(c => c.Key == "access_token_web").Value;
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var anonId = cookies.FirstOrDefault(c => c.Key == "anon_id").Value ?? response.AnonIdHeader ?? "";
        var cookieHeader = string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}"));
        return new VintedSession(token, anonId, cookieHeader, generation);
    }
}
