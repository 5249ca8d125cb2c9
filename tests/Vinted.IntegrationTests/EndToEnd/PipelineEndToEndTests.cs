using System.Net.Http.Json;
using System.Text.Json;
using Vinted.IntegrationTests.Infrastructure;
using Vinted.Simulator;

namespace Vinted.IntegrationTests.EndToEnd;

/// <summary>The daily pipeline end to end, in host processes, with faults, crashes and outages.</summary>
public sealed class PipelineEndToEndTests
{
    [Fact]
    public async Task Run_CleanDay_RawZoneEqualsGroundTruth()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_clean");
        var host = rig.StartHost();
        await rig.WaitUntilReadyAsync(host);

        var id = await rig.StartRunAsync();
        var status = await rig.WaitForRunAsync(id, TimeSpan.FromMinutes(3), () => host.Output);

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(0, status.GetProperty("output").GetProperty("ingestion").GetProperty("quarantinedPages").GetInt32());
        await rig.AssertRawZoneMatchesGroundTruthAsync(id);
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
        await rig.AssertRawZoneMatchesGroundTruthAsync(id);
    }

    [Fact]
    public async Task Run_HostKilledDuringIngestion_RestartedHostCompletesWithNothingLostOrDoubled()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_kill");
        rig.Simulator.State.Faults = new SimulatorFaults { LatencyMs = 150 };
        var first = rig.StartHost(extra: new Dictionary<string, string> { ["Orchestration__Workers__fetch"] = "2" });
        await rig.WaitUntilReadyAsync(first);
        var id = await rig.StartRunAsync();
        await Eventually.WaitForAsync(async () => await rig.CompletedStepsAsync(id, "FetchPage") >= 6, TimeSpan.FromMinutes(2), () => first.Output);

        first.Kill();
        rig.Simulator.State.Faults = new SimulatorFaults();
        var second = rig.StartHost();
        var status = await rig.WaitForRunAsync(id, TimeSpan.FromMinutes(3), () => second.Output);

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        await rig.AssertRawZoneMatchesGroundTruthAsync(id);
        var fetches = status.GetProperty("historyEvents").EnumerateArray().Where(e => e.GetProperty("name").GetString() == "FetchPage").ToList();
        Assert.Equal(fetches.Count, fetches.Select(f => f.GetProperty("stepId").GetInt32()).Distinct().Count());
    }

    [Fact]
    public async Task Run_PostgresRestartedAndS3DownFor10Seconds_Completes()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_outage");
        rig.Simulator.State.Faults = new SimulatorFaults { LatencyMs = 100 };
        var host = rig.StartHost(extra: new Dictionary<string, string> { ["Orchestration__Workers__fetch"] = "2" });
        await rig.WaitUntilReadyAsync(host);
        var id = await rig.StartRunAsync();
        await Eventually.WaitForAsync(async () => await rig.CompletedStepsAsync(id, "FetchPage") >= 4, TimeSpan.FromMinutes(2), () => host.Output);

        await EndToEndRig.StackAsync("restart-postgres");
        await EndToEndRig.StackAsync("stop-s3");
        await Task.Delay(TimeSpan.FromSeconds(10));
        await EndToEndRig.StackAsync("up");
        rig.Simulator.State.Faults = new SimulatorFaults();
        var status = await rig.WaitForRunAsync(id, TimeSpan.FromMinutes(4), () => host.Output);

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        await rig.AssertRawZoneMatchesGroundTruthAsync(id);
    }

    [Fact]
    public async Task Timer_TwoHosts_OneRunPerSlotAndBothHostsWork()
    {
        await using var rig = await EndToEndRig.StartAsync("e2e_twohosts");
        rig.Simulator.State.Faults = new SimulatorFaults { LatencyMs = 50 };
        var timer = new Dictionary<string, string>
        {
            ["Schedule__Enabled"] = "true",
            ["Schedule__Cron"] = "*/30 * * * *",
            ["Schedule__TimeZone"] = "UTC",
            ["Schedule__CatchUpWindow"] = "00:30:00", // both hosts catch up the current slot as they start
            ["Orchestration__Workers__fetch"] = "2",
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
                runId = runs?.FirstOrDefault(r => r.GetProperty("name").GetString() == "DailyPipeline").GetProperty("instanceId").GetString();
                return runId is not null;
            },
            TimeSpan.FromSeconds(60),
            () => first.Output + second.Output);
        var status = await rig.WaitForRunAsync(runId!, TimeSpan.FromMinutes(3), () => first.Output + second.Output);

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.StartsWith("daily-", runId, StringComparison.Ordinal);
        // One run per slot claimed, whichever host claimed it (a slot boundary during the test adds a slot, not a duplicate).
        Assert.Equal(
            await rig.ScalarAsync("select count(*) from durable.timer_slots where outcome = 'Started'"),
            await rig.ScalarAsync("select count(*) from durable.instances where name = 'DailyPipeline'"));
        Assert.Equal(0, await rig.ScalarAsync("select count(*) from durable.instances where name = 'DailyPipeline' and id not like 'daily-%'"));
        // Both processes ran page fetches: the work was shared, not done by one host while the other idled.
        Assert.Equal(2, await rig.ScalarAsync(
            """
            select count(distinct split_part(s.data ->> 'ServerId', ':', 2))
            from hangfire.state s join hangfire.job j on j.id = s.jobid
            where s.name = 'Processing' and j.invocationdata ->> 'Type' like 'Vinted.Orchestration.Execution.ActivityJob%'
            """));
    }
}
