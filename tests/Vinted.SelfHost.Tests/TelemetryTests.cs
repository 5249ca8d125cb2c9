using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vinted.Api.Models;
using Vinted.Testing;
using Vinted.Pipeline.Models;
using Vinted.Simulator;
using Xunit.Abstractions;

namespace Vinted.SelfHost.Tests;

/// <summary>
/// OpenTelemetry export over OTLP (HTTP/protobuf) to a collector on 127.0.0.1 that records what it receives: a run's
/// traces and metrics arrive, with the client's page spans, the Vinted, S3 and PostgreSQL calls and the engine's
/// activity spans (the engine emits no span per orchestration: see the README). Protobuf carries names as plain UTF-8, so the bodies are searched for them.
/// </summary>
public sealed class TelemetryTests(ITestOutputHelper output)
{
    private static readonly DateOnly Day = new(2026, 10, 1);

    [Fact]
    public async Task Run_OtlpEndpointConfigured_TracesAndMetricsReachTheCollector()
    {
        var received = new ConcurrentDictionary<string, ConcurrentQueue<byte[]>>();
        await using var collector = await StartCollectorAsync(received);
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var host = await PipelineHost.StartAsync(
            nameof(TelemetryTests), new SimulatorOptions { Listings = 2_000, Date = Day },
            $"--Telemetry:OtlpEndpoint={endpoint}", "--Telemetry:ExportInterval=00:00:00.500");

        var run = await host.RunAsync(new PipelineInput { Date = Day, Searches = [new() { Search = new VintedSearch { Domain = "pt", PerPage = 24 }, MaxPages = 2 }] });
        RunAssert.Completed(run);

        string[] traceNames = ["vinted.fetch_page", "Vinted.Api", "Npgsql", "activity:PlanRun", "activity:FetchPage", "activity:LoadStaging", "svc-catalogue", LocalStack.Instance.Bucket];
        string[] metricNames = ["vinted.api.requests", "vinted.api.page.duration", "vinted.pipeline.pages", "vinted.pipeline.runs", "http.client.request.duration"];
        await Eventually.WaitForAsync(
            () => Task.FromResult(Missing(received, "traces", traceNames).Count == 0 && Missing(received, "metrics", metricNames).Count == 0),
            TimeSpan.FromSeconds(60),
            () => $"traces missing {string.Join(", ", Missing(received, "traces", traceNames))} (seen: {string.Join(", ", System.Text.RegularExpressions.Regex.Matches(Text(received, "traces"), "[a-z_]+:[A-Za-z]+").Select(m => m.Value).Distinct().Take(30))}); metrics missing {string.Join(", ", Missing(received, "metrics", metricNames))}");
        output.WriteLine($"collector received {received.GetValueOrDefault("traces")?.Count} trace and {received.GetValueOrDefault("metrics")?.Count} metric exports");
        Assert.DoesNotContain(Text(received, "traces"), host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Functions:Keys:Admin"]!, StringComparison.Ordinal);
    }

    private static List<string> Missing(ConcurrentDictionary<string, ConcurrentQueue<byte[]>> received, string signal, string[] names)
    {
        var text = Text(received, signal);
        return names.Where(n => !text.Contains(n, StringComparison.Ordinal)).ToList();
    }

    private static string Text(ConcurrentDictionary<string, ConcurrentQueue<byte[]>> received, string signal) =>
        string.Concat(received.GetValueOrDefault(signal)?.Select(b => Encoding.UTF8.GetString(b)) ?? []);

    /// <summary>An OTLP/HTTP collector: accepts <c>POST /v1/traces</c> and <c>/v1/metrics</c> (protobuf) and keeps the bodies.</summary>
    private static async Task<WebApplication> StartCollectorAsync(ConcurrentDictionary<string, ConcurrentQueue<byte[]>> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.GetOrAdd(signal, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return app;
    }
}
