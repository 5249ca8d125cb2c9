using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vinted.Testing;
using Vinted.Simulator;
using Xunit.Abstractions;

namespace Vinted.Pipeline.Tests.EndToEnd;

/// <summary>The daily pipeline end to end, in host processes, with faults, crashes and outages.</summary>
public sealed class PipelineEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_CleanDay_RawZoneAndMartEqualGroundTruth()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_clean");
        var host = rig.StartHost();
        await rig.WaitUntilReadyAsync(host);

        var id = await rig.StartRunAsync();
        var status = await rig.WaitForRunAsync(id, TimeSpan.FromMinutes(3), () => host.Output);

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(0, status.GetProperty("output").GetProperty("ingestion").GetProperty("quarantinedPages").GetInt32());
        await rig.AssertMatchesGroundTruthAsync(id);
    }

    [Fact]
    public async Task Run_FaultsOn_CompletesAndLosesExactlyTheQuarantinedPages()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_faults");
        rig.Simulator.State.Faults = new SimulatorFaults
        {
            ServerErrorRate = 0.10,
            RateLimitRate = 0.05,
            RetryAfterSeconds = 1,
            ConnectionResetRate = 0.02,
            MalformedJsonRate = 0.01,
            SessionExpiryEvery = 200,
        };
        var host = rig.StartHost();
        await rig.WaitUntilReadyAsync(host);

        var id = await rig.StartRunAsync();
        var status = await rig.WaitForRunAsync(id, TimeSpan.FromMinutes(4), () => host.Output);

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var ingestion = status.GetProperty("output").GetProperty("ingestion");
        var stats = rig.Simulator.State.Stats;
        Assert.True(stats.Count(s => s.Key.StartsWith("faults:", StringComparison.Ordinal) && s.Value > 0) >= 3, string.Join(", ", stats));
        Assert.Equal(
            ingestion.GetProperty("quarantinedKeys").GetArrayLength(),
            ingestion.GetProperty("quarantinedPages").GetInt32());
        await rig.AssertMatchesGroundTruthAsync(id);
    }

    [Fact]
    public async Task Run_HostKilledDuringFanOutAndDuringWarehouse_CompletesWithNothingLostOrDoubled()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_kill");
        rig.Simulator.State.Faults = new SimulatorFaults { LatencyMs = 150 };
        var first = rig.StartHost(extra: new Dictionary<string, string> { ["DurableTask__MaxConcurrentActivities"] = "2" });
        await rig.WaitUntilReadyAsync(first);
        var id = await rig.StartRunAsync();
        // Three searches of 10 pages: nine fetch steps (each search's page 1, then pages 2-6 and 7-10).
        await Eventually.WaitForAsync(async () => await rig.CompletedFetchStepsAsync(id) >= 4, TimeSpan.FromMinutes(2), () => first.Output);
        var atFirstKill = await rig.CompletedFetchStepsAsync(id);

        await first.KillAsync(); // in the middle of the page fan-out
        rig.Simulator.State.Faults = new SimulatorFaults();
        Assert.False(await rig.HasScheduledAsync(id, "WriteManifest"), "the fan-out was over before the first kill");
        var second = rig.StartHost();
        await Eventually.WaitForAsync(() => rig.HasScheduledAsync(id, "LoadStaging"), TimeSpan.FromMinutes(4), () => second.Output);
        await second.KillAsync(); // once the warehouse stage has begun
        var atSecondKill = await rig.History.ReadAsync(id, CancellationToken.None);
        Assert.DoesNotContain(atSecondKill.Steps, s => s.Name == "ReadQualityResults");

        var third = rig.StartHost();
        var status = await rig.WaitForRunAsync(id, TimeSpan.FromMinutes(4), () => third.Output);

        Assert.True("Completed" == status.GetProperty("runtimeStatus").GetString(), status.ToString());
        await rig.AssertMatchesGroundTruthAsync(id);
        var ingestion = status.GetProperty("output").GetProperty("ingestion");
        var pages = ingestion.GetProperty("pages").GetInt32();
        var pagesReused = ingestion.GetProperty("pagesReused").GetInt32();
        Assert.InRange(pagesReused, 0, pages);

        // Nothing doubled: each page in one fetch step and one step per stage in the history of the run and its searches,
        // every page once in the manifest, every item once in staging and once in the mart (AssertMatchesGroundTruthAsync).
        var steps = await rig.History.ReadTreeAsync(id, CancellationToken.None);
        var fetches = steps.Where(FetchSteps.IsFetch).ToList();
        Assert.Equal(pages, fetches.Sum(FetchSteps.PageCount));
        Assert.Equal(ingestion.GetProperty("searches").GetInt32(), steps.Count(s => s.Name == "RecordSearchPages"));
        Assert.All(steps, s => Assert.Equal("Completed", s.Status));
        foreach (var stage in new[] { "PlanRun", "WriteManifest", "LoadStaging", "Normalize", "BuildMart", "ReadQualityResults" })
        {
            Assert.Single(steps, s => s.Name == stage);
        }

        var items = ingestion.GetProperty("items").GetInt64();
        Assert.Equal(items, await rig.ScalarAsync($"select count(*) from staging.item_observation where run_id = '{id}'"));
        var martDuplicates = await rig.ScalarAsync($"select count(*) - count(distinct (domain, item_id)) from mart.fact_listing_daily where run_id = '{id}'");
        Assert.Equal(0, martDuplicates);
        var requests = rig.Simulator.State.Count("requests");
        output.WriteLine(
            $"kill test: {pages} pages, {items} items; first kill after {atFirstKill} completed fetch steps; pagesReused={pagesReused}; " +
            $"page requests served={requests} (re-fetched after the kills: {requests - pages}); fetch attempts in history={fetches.Sum(f => f.Attempts)}; " +
            $"duplicate steps=0, duplicate mart facts={martDuplicates}, staging rows={items}");
    }

    [Fact]
    public async Task Run_PostgresRestartedAndS3DownFor10Seconds_Completes()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_outage");
        rig.Simulator.State.Faults = new SimulatorFaults { LatencyMs = 100 };
        var host = rig.StartHost(extra: new Dictionary<string, string> { ["DurableTask__MaxConcurrentActivities"] = "2" });
        await rig.WaitUntilReadyAsync(host);
        var id = await rig.StartRunAsync();
        await Eventually.WaitForAsync(async () => await rig.CompletedFetchStepsAsync(id) >= 4, TimeSpan.FromMinutes(2), () => host.Output);
        Assert.False(await rig.HasScheduledAsync(id, "WriteManifest"), "the fan-out was over before the outage");

        await EndToEndRig.StackAsync("restart-postgres");
        await EndToEndRig.StackAsync("stop-s3");
        await Task.Delay(TimeSpan.FromSeconds(10));
        await EndToEndRig.StackAsync("up");
        rig.Simulator.State.Faults = new SimulatorFaults();
        var status = await rig.WaitForRunAsync(id, TimeSpan.FromMinutes(4), () => host.Output);

        Assert.True("Completed" == status.GetProperty("runtimeStatus").GetString(), status.ToString());
        await rig.AssertMatchesGroundTruthAsync(id);
        var fetches = (await rig.History.ReadTreeAsync(id, CancellationToken.None)).Where(FetchSteps.IsFetch).ToList();
        Assert.Equal(status.GetProperty("output").GetProperty("ingestion").GetProperty("pages").GetInt32(), fetches.Sum(FetchSteps.PageCount));
        output.WriteLine($"outage test: {fetches.Count} fetch steps, {fetches.Sum(f => f.Attempts - 1)} activity retries, failures: {string.Join(" | ", fetches.SelectMany(f => f.Failures).Select(f => f.Error).Distinct().Take(3))}");
    }

    [Fact]
    public async Task Timer_TwoHosts_OneRunPerSlotAndBothHostsWork()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_twohosts");
        rig.Simulator.State.Faults = new SimulatorFaults { LatencyMs = 400 };
        var timer = new Dictionary<string, string>
        {
            ["Schedule__Enabled"] = "true",
            ["Schedule__Cron"] = "*/30 * * * *",
            ["Schedule__TimeZone"] = "UTC",
            ["Schedule__CatchUpWindow"] = "00:30:00", // both hosts catch up the current slot as they start
            ["DurableTask__MaxConcurrentActivities"] = "2",
        };
        string[] domains = ["pt", "fr"];
        for (var i = 0; i < domains.Length; i++)
        {
            timer[$"Ingestion__Searches__{i}__Search__Domain"] = domains[i];
            timer[$"Ingestion__Searches__{i}__Search__PerPage"] = "96";
            timer[$"Ingestion__Searches__{i}__MaxPages"] = "10";
        }

        var secondPort = Eventually.FreePort();
        var first = rig.StartHost(extra: timer);
        var second = rig.StartHost(secondPort, timer);
        await rig.WaitUntilReadyAsync(first);
        await rig.WaitUntilReadyAsync(second, secondPort);

        string? runId = null;
        await Eventually.WaitForAsync(
            async () =>
            {
                using var response = await rig.Http.GetAsync("/runtime/webhooks/durabletask/instances?top=10");
                var runs = await response.Content.ReadFromJsonAsync<JsonElement[]>();
                // While only other instances are listed, no run is null: FirstOrDefault over JsonElements gave the default
                // element, whose GetProperty threw instead of waiting (seen once in a fresh-clone CI run).
                runId = runs?.Where(r => r.GetProperty("name").GetString() == "DailyPipeline").Select(r => r.GetProperty("instanceId").GetString()).FirstOrDefault();
                return runId is not null;
            },
            TimeSpan.FromSeconds(60),
            () => first.Output + second.Output);
        var status = await rig.WaitForRunAsync(runId!, TimeSpan.FromMinutes(4), () => first.Output + second.Output);

        Assert.True("Completed" == status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.StartsWith("daily-", runId, StringComparison.Ordinal);

        // One run per slot, whichever host started it: every slot either host fired was started by exactly one host,
        // the other found it taken (a slot boundary during the test adds a slot, not a duplicate).
        var fired = Regex.Matches(first.Output + second.Output, @"Timer daily slot (?<slot>.+?): (?<outcome>Started|Skipped|AlreadyTaken) (?<id>daily-\S+)")
            .Select(m => (Slot: m.Groups["slot"].Value, Outcome: m.Groups["outcome"].Value, Id: m.Groups["id"].Value))
            .ToList();
        Assert.NotEmpty(fired);
        output.WriteLine($"timer slots fired: {string.Join("; ", fired.Select(f => $"{f.Id} {f.Outcome}"))}");
        foreach (var slot in fired.GroupBy(f => f.Id))
        {
            Assert.Single(slot, f => f.Outcome is "Started" or "Skipped");
        }

        using (var response = await rig.Http.GetAsync("/runtime/webhooks/durabletask/instances?top=100"))
        {
            var instances = (await response.Content.ReadFromJsonAsync<JsonElement[]>())!;
            var runs = instances.Where(i => i.GetProperty("name").GetString() == "DailyPipeline").Select(i => i.GetProperty("instanceId").GetString()!).ToList();
            Assert.All(runs, r => Assert.StartsWith("daily-", r, StringComparison.Ordinal));
            Assert.Equal(fired.Where(f => f.Outcome == "Started").Select(f => f.Id).Order(), runs.Order());
        }

        // One execution of the run: with no fault and no kill, every page was requested once.
        if (fired.Select(f => f.Id).Distinct().Count() == 1)
        {
            Assert.Equal(status.GetProperty("output").GetProperty("ingestion").GetProperty("pages").GetInt32(), rig.Simulator.State.Count("requests"));
        }

        // Both processes fetched pages: the work was shared, not done by one host while the other idled.
        Assert.Contains("Session established for domain", first.Output, StringComparison.Ordinal);
        Assert.Contains("Session established for domain", second.Output, StringComparison.Ordinal);
    }
}
