using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.Api.Models;
using Vinted.Testing;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Options;
using Vinted.Simulator;
using static Vinted.Testing.WarehouseTestBed;

namespace Vinted.Warehouse.Tests;

/// <summary>The backfill orchestration over HTTP on the self-host: stored days digested again in date order.</summary>
public sealed class BackfillTests
{
    [Fact]
    public async Task Backfill_StoredDaysOverHttp_DigestedInDateOrderAndTablesAsTheDailyRunsLeftThem()
    {
        await using var host = await PipelineHost.StartAsync(nameof(BackfillTests), new SimulatorOptions { Listings = 20_000, Date = Day1, MaxReachableResults = 2_000 });
        var runs = new Dictionary<DateOnly, string>();
        foreach (var day in new[] { Day1, Day3, Day2 })
        {
            host.Simulator.State.Date = day;
            var run = await host.RunAsync(new PipelineInput { Date = day, Searches = BackfillSearches, Trigger = "test" });
            runs[day] = run.InstanceId;
        }

        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var before = await TableChecksums.ComputeAsync(dataSource, host.S3Prefix, "core", "mart");
        using var http = host.CreateClient(LocalStack.Instance.DefaultKey);

        var started = await http.PostAsJsonAsync("/api/orchestrators/Backfill", new { from = "2026-10-01", to = "2026-10-04" });

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var status = await host.Client.WaitForFinishAsync(id, TimeSpan.FromMinutes(3));
        RunAssert.Completed(status);
        var report = JsonSerializer.Deserialize<BackfillReport>(status.SerializedOutput!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal([Day1, Day2, Day3], report.Days.Select(d => d.Date));
        Assert.Equal([runs[Day1], runs[Day2], runs[Day3]], report.Days.Select(d => d.RunId));
        Assert.Equal([new DateOnly(2026, 10, 4)], report.DaysWithoutData);
        Assert.All(report.Days, d => Assert.True(d.Normalize.Listings > 0));
        Assert.Equal(before, await TableChecksums.ComputeAsync(dataSource, host.S3Prefix, "core", "mart"));
        Assert.Equal(0, Convert.ToInt64(await dataSource.CreateCommand("select count(*) from core.observed_day where mart_stale").ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("{\"from\": \"2026-10-03\", \"to\": \"2026-10-01\"}", "'to'")]
    [InlineData("{\"from\": \"2026-10-03\"}", "'to' are required")]
    [InlineData("{\"from\": \"2025-01-01\", \"to\": \"2026-10-01\"}", "spans more than")]
    public async Task Backfill_BadRange_400NamingTheField(string body, string named)
    {
        await using var host = await PipelineHost.StartAsync($"{nameof(BackfillTests)}_bad", new SimulatorOptions { Listings = 1_000, Date = Day1 });
        using var http = host.CreateClient(LocalStack.Instance.DefaultKey);

        var response = await http.PostAsync("/api/orchestrators/Backfill", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
