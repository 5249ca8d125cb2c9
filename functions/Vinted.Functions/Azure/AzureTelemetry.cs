using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Vinted.Pipeline;

namespace Vinted.Functions.Azure;

/// <summary>
/// The worker's traces and metrics to Application Insights: the sources and meters the self-host exports over OTLP
/// (<see cref="PipelineTelemetry.Sources"/>, <see cref="PipelineTelemetry.Meters"/>) plus the worker's outgoing HTTP.
/// Logs are not exported here: the Functions host already forwards the worker's logs to Application Insights.
/// Nothing is registered without a connection string (local runs, tests).
/// </summary>
internal static class AzureTelemetry
{
    /// <summary>The component's connection string, set by the Bicep template; the host reads it too.</summary>
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>Authorization=AAD</c> (and the identity's <c>ClientId</c>): the component refuses local authentication.</summary>
    public const string AuthenticationStringKey = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddAzureTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return services;
        }

        var credential = Credential(configuration[AuthenticationStringKey]);
        void Configure(AzureMonitorExporterOptions options)
        {
            options.ConnectionString = connectionString;
            options.Credential = credential;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["WEBSITE_SITE_NAME"] ?? "vinted-functions"))
            .WithTracing(tracing => tracing
                .AddSource([.. PipelineTelemetry.Sources])
                .AddHttpClientInstrumentation()
                .AddAzureMonitorTraceExporter(Configure))
            .WithMetrics(metrics => metrics
                .AddMeter([.. PipelineTelemetry.Meters])
                .AddHttpClientInstrumentation()
                .AddAzureMonitorMetricExporter(Configure));
        return services;
    }

    /// <summary>
    /// The credential <see cref="AuthenticationStringKey"/> asks for, as the Functions host reads the same setting:
    /// <c>Authorization=AAD</c> with the user-assigned identity's <c>ClientId</c>, or the system identity without one.
    /// </summary>
    internal static TokenCredential? Credential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[1].Length == 0)
            {
                throw Malformed($"'{part}' is not key=value");
            }

            parts[pair[0]] = pair[1];
        }

        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw Malformed("it has no Authorization=AAD");
        }

        return parts.TryGetValue("ClientId", out var clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }

    private static InvalidOperationException Malformed(string why) =>
        new($"The app setting {AuthenticationStringKey} is malformed: {why} (expected 'Authorization=AAD' or 'ClientId=<client id>;Authorization=AAD').");
}
