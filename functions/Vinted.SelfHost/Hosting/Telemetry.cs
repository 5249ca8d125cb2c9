using System.ComponentModel.DataAnnotations;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Vinted.Settings;
using Vinted.Settings.Validation;
using Vinted.Pipeline;

namespace Vinted.SelfHost.Hosting;

/// <summary>The <c>Telemetry</c> section: where traces and metrics go. Without an endpoint nothing is collected or sent.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The OTLP collector, e.g. <c>http://127.0.0.1:4318</c> (HTTP/protobuf) or <c>:4317</c> (gRPC); empty: no export.</summary>
    [AbsoluteUrl]
    public string OtlpEndpoint { get; set; } = "";

    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.HttpProtobuf;

    /// <summary>Headers for the collector (<c>key=value,key=value</c>: an API key); a secret, never logged.</summary>
    public string? OtlpHeaders { get; set; }

    [Required]
    public string ServiceName { get; set; } = "vinted-pipeline";

    /// <summary>How often metrics are exported and the span batch is flushed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// OpenTelemetry for the self-host: traces of HTTP requests served, HTTP calls made (Vinted, S3), the client's page
/// spans, PostgreSQL commands (Npgsql) and the Durable Task engine's orchestrations and activities; metrics of the same
/// plus the pipeline's runs and pages. Exported over OTLP only when <see cref="TelemetryOptions.OtlpEndpoint"/> is set.
/// </summary>
public static class Telemetry
{
    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<TelemetryOptions>(TelemetryOptions.Section);
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (string.IsNullOrEmpty(options.OtlpEndpoint) || !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint))
        {
            return; // not configured (or malformed: the settings validation names the key at start)
        }

        var interval = (int)options.ExportInterval.TotalMilliseconds;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource([.. PipelineTelemetry.Sources])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(otlp =>
                {
                    Configure(otlp, options, endpoint, "v1/traces");
                    otlp.BatchExportProcessorOptions = new BatchExportProcessorOptions<System.Diagnostics.Activity> { ScheduledDelayMilliseconds = interval };
                }))
            .WithMetrics(metrics => metrics
                .AddMeter([.. PipelineTelemetry.Meters])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter((otlp, reader) =>
                {
                    Configure(otlp, options, endpoint, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                }));
    }

    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions options, Uri endpoint, string signal)
    {
        otlp.Protocol = options.OtlpProtocol;

        // With HTTP/protobuf an endpoint set in code is used as is: the signal's path is added here, as the SDK does for its env vars.
        otlp.Endpoint = options.OtlpProtocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, signal) : endpoint;
        if (!string.IsNullOrEmpty(options.OtlpHeaders))
        {
            otlp.Headers = options.OtlpHeaders;
        }
    }
}
