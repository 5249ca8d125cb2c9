using DurableTask.Core;
using DurableTask.PostgreSql.TestHost;
using DurableTask.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DurableTask.PostgreSql.Tests;

/// <summary>
/// Poison handling with real crashes: an activity that ends its own process (Environment.FailFast) moves from host
/// to host; after MaxDeliveryCount deliveries it is set aside and fails into its orchestrator, and the other calls of
/// the instance do not wait behind it, nor are they set aside with it.
/// </summary>
public sealed class ProcessCrashTests(HubSchema schema, ITestOutputHelper output) : IClassFixture<HubSchema>
{
    private const int MaxDeliveryCount = 3;

    [Fact]
    public async Task ActivityKillingItsProcess_RestartedHostsTakeItUntilMaxDeliveryCount_ThenItFailsIntoTheOrchestrator()
    {
        await using var hub = await TestHub.StartAsync(schema, [], startWorker: false);
        await schema.ExecuteAsync(Sql.EffectsTable);
        var instance = await hub.Client.CreateOrchestrationInstanceAsync(
            NameVersionHelper.GetDefaultName(typeof(CrashOrReport)), "", "kills-its-process", new CrashInput(3, 0));

        // One call at a time per host, so a crash takes only the crashing call down with it. Each restart finds the
        // crashing call leased to the dead host until its lease (10 s) expires; the good calls are free meanwhile.
        var crashes = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        OrchestrationState? state = null;
        while (state is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"not finished after {crashes} crashes");
            await using var host = HostProcess.Start($"h{crashes}", TestDatabase.ConnectionString, schema.Name, maxDeliveryCount: MaxDeliveryCount, maxActivities: 1);
            while (state is null && !host.HasExited && DateTime.UtcNow < deadline)
            {
                state = await hub.Client.WaitForOrchestrationAsync(instance, TimeSpan.FromSeconds(2));
            }

            if (host.HasExited)
            {
                crashes++;

                // The exit can be seen before the last lines of the host's output are read (CI failed on that once):
                // waiting for the exit also waits for the end of its redirected output.
                await host.WaitForExitAsync(TimeSpan.FromSeconds(10));
                Assert.Contains("KillsItsProcess", host.Output, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"{crashes} crashes; output: {state.Output}");
        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.StartsWith("\"handled: ", state.Output, StringComparison.Ordinal);
        Assert.Contains($"delivered {MaxDeliveryCount + 1} times", state.Output, StringComparison.Ordinal);
        Assert.Contains("good: good-0,good-1,good-2", state.Output, StringComparison.Ordinal);

        // Delivered MaxDeliveryCount times, each killing its host; the next delivery set it aside without running it.
        Assert.Equal(MaxDeliveryCount, crashes);
        Assert.Equal(MaxDeliveryCount, await schema.ScalarAsync<long>("select count(*) from effects where key = 'crash'"));
        var poison = Assert.Single(await hub.Service.GetPoisonMessagesAsync(instance.InstanceId));
        Assert.Equal("activity", poison.Queue);
        Assert.Equal(MaxDeliveryCount + 1, poison.DequeueCount);
        Assert.Equal(3, await schema.ScalarAsync<long>("select count(distinct key) from effects where key like 'good-%'"));
    }

    /// <summary>
    /// Good calls taken in the same batch as the crashing call, and running beside it when it kills the host, are
    /// delivered again with it. Were they taken and run beside it again on each restart, every crash would count
    /// against them too, and they would reach the bound with it and be set aside with it. A redelivered call is taken
    /// and run alone, so only the crashing call is set aside and every good call completes. (Before that rule the good
    /// calls of the first batch were set aside with the crashing one and the orchestration failed.)
    /// </summary>
    [Fact]
    public async Task ActivityKillingItsProcess_BesideRunningCalls_OnlyItIsSetAside()
    {
        await using var hub = await TestHub.StartAsync(schema, [], startWorker: false);
        await schema.ExecuteAsync(Sql.EffectsTable);
        var instance = await hub.Client.CreateOrchestrationInstanceAsync(
            NameVersionHelper.GetDefaultName(typeof(CrashOrReport)), "", "kills-beside-others", new CrashInput(5, 1000));

        // Four calls at once per host: the first batch is the crashing call and three good calls that are still
        // working (1 s each) when it kills the host.
        var crashes = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        OrchestrationState? state = null;
        while (state is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"not finished after {crashes} crashes");
            await using var host = HostProcess.Start($"b{crashes}", TestDatabase.ConnectionString, schema.Name, maxDeliveryCount: MaxDeliveryCount, maxActivities: 4);
            while (state is null && !host.HasExited && DateTime.UtcNow < deadline)
            {
                state = await hub.Client.WaitForOrchestrationAsync(instance, TimeSpan.FromSeconds(2));
            }

            crashes += host.HasExited ? 1 : 0;
        }

        var poison = await hub.Service.GetPoisonMessagesAsync(instance.InstanceId);
        output.WriteLine($"{crashes} crashes; output: {state.Output}; set aside: {poison.Count}");
        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.StartsWith("\"handled: ", state.Output, StringComparison.Ordinal);
        Assert.Contains("good: good-0,good-1,good-2,good-3,good-4", state.Output, StringComparison.Ordinal);
        Assert.Equal(MaxDeliveryCount, crashes);
        Assert.Equal("activity", Assert.Single(poison).Queue);
    }
}
