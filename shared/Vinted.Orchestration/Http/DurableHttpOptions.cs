using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Settings;

namespace Vinted.Orchestration.Http;

/// <summary>
/// The <c>HttpApi</c> section: what the HTTP starter accepts. Only listed orchestrators can be started over HTTP (a
/// sub-orchestration or a diagnostic is not a public entry point), and a start's body is bounded.
/// </summary>
public sealed class DurableHttpOptions
{
    public const string Section = "HttpApi";

    /// <summary>Orchestrators <c>POST /api/orchestrators/{name}</c> may start; the host lists its entry points in code, settings may add more.</summary>
    public List<string> Startable { get; set; } = [];

    /// <summary>The largest start body read; a larger one is refused with 413 before it is parsed.</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>Lists orchestrators as startable over HTTP.</summary>
public static class DurableHttpRegistration
{
    /// <summary>Lets <c>POST /api/orchestrators/{name}</c> start <typeparamref name="T"/> (registered under its type name).</summary>
    public static DurableTaskEngineBuilder AllowHttpStart<T>(this DurableTaskEngineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Services.Any(d => d.ServiceType == typeof(DurableHttpOptionsMarker)))
        {
            builder.Services.AddSingleton<DurableHttpOptionsMarker>();
            builder.Services.AddSettings<DurableHttpOptions>(DurableHttpOptions.Section);
        }

        builder.Services.Configure<DurableHttpOptions>(o => o.Startable.Add(typeof(T).Name));
        return builder;
    }

    /// <summary>Marks the section as registered once, however many orchestrators are listed.</summary>
    private sealed class DurableHttpOptionsMarker;
}
