using System.ComponentModel.DataAnnotations;
using Vinted.Settings.Validation;

namespace Vinted.Api.Options;

/// <summary>
/// One outbound proxy of a domain (<c>VintedApi:Domains:{domain}:Proxies:{n}</c>): an HTTP or SOCKS5 forward proxy,
/// its credentials (from settings or the environment, never logged) and how fast this process may use it.
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    /// <summary><c>http://host:port</c> or <c>socks5://host:port</c>, without credentials (they go in <see cref="Username"/> and <see cref="Password"/>).</summary>
    [Required]
    [AbsoluteUrl("http", "socks5")]
    public string Url { get; set; } = "";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Requests per second through this proxy (sessions and retries included), on top of the domain's own limit.</summary>
    [Range(0.01, 10_000)]
    public double RequestsPerSecond { get; set; } = 1;

    /// <summary>The proxy as logs, metrics and the health endpoint show it: scheme, host and port, never credentials.</summary>
    public string Name => Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : "(invalid)";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            // A URL with credentials ends up in logs and error messages; the password has its own setting.
            yield return new ValidationResult("must not hold credentials: set Username and Password instead", [nameof(Url)]);
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Username and Password go together", [nameof(Password)]);
        }
    }
}
