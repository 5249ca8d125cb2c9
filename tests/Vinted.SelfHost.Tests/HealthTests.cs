using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vinted.Testing;
using Vinted.Simulator;

namespace Vinted.SelfHost.Tests;

/// <summary>Liveness and readiness over HTTP, against the real PostgreSQL, S3 server and Azurite (and an S3 address where nothing listens).</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Ready_EveryDependencyUp_Is200WithEachCheckHealthy()
    {
        await using var host = await PipelineHost.StartAsync(nameof(HealthTests), new SimulatorOptions { Listings = 100 });
        using var http = host.CreateClient(key: null);

        using var live = await http.GetAsync("/health/live");
        using var ready = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["engine-store"] = "Healthy", ["postgresql"] = "Healthy", ["object-store"] = "Healthy" }, checks);
    }

    [Fact]
    public async Task Ready_ObjectStoreUnreachable_Is503NamingTheCheckOnlyWhileLiveStays200()
    {
        await using var host = await PipelineHost.StartAsync(nameof(HealthTests) + "Down", new SimulatorOptions { Listings = 100 }, "--S3:ServiceUrl=http://127.0.0.1:1");
        using var http = host.CreateClient(key: null);

        using var live = await http.GetAsync("/health/live");
        using var ready = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var text = await ready.Content.ReadAsStringAsync();
        var checks = JsonDocument.Parse(text).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(("Unhealthy", "Healthy", "Healthy"), (checks["object-store"], checks["postgresql"], checks["engine-store"]));
        Assert.DoesNotContain("127.0.0.1:1", text, StringComparison.Ordinal); // no address, no error text
    }
}
