using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Orchestration.Tests.Infrastructure;
using Vinted.Orchestration.Timer;

namespace Vinted.Orchestration.Tests;

/// <summary>A scheduled run: takes a few seconds, returns its slot.</summary>
public sealed class TimedRun : TaskOrchestrator<TimerInput, DateTimeOffset>
{
    public override async Task<DateTimeOffset> RunAsync(TaskOrchestrationContext context, TimerInput input)
    {
        await context.CallActivityAsync<string>(nameof(Slow), new SlowInput("run", 3000));
        return input.Slot;
    }
}

/// <summary>Two hosts on one task hub, both with the timer: one run per slot, and a slot that finds a run going is skipped.</summary>
public sealed class TimerTriggerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Slot = new(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);
    private EngineHost _first = null!;
    private EngineHost _second = null!;

    public async Task InitializeAsync()
    {
        var hub = LocalStack.NewHubName();
        var settings = new Dictionary<string, string?>
        {
            ["Schedule:Name"] = "nightly",
            ["Schedule:Cron"] = "0 3 * * *",
            ["Schedule:TimeZone"] = "Europe/Lisbon",
            ["Schedule:Orchestrator"] = nameof(TimedRun),
            ["Schedule:Enabled"] = "false", // the tests fire slots themselves instead of waiting for 03:00
        };
        static void Register(DurableTaskEngineBuilder engine) => engine.AddOrchestrator<TimedRun>().AddActivity<Slow>().AddTimerTrigger();
        _first = await EngineHost.StartAsync(hub, Register, settings, s => s.AddSingleton<Effects>());
        _second = await EngineHost.StartAsync(hub, Register, settings, s => s.AddSingleton<Effects>());
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task Fire_SameSlotOnTwoHostsAtOnce_StartsOneInstanceAndBusySlotIsSkipped()
    {
        var fires = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? _first : _second).Get<TimerTrigger>().FireAsync(Slot, CancellationToken.None)));

        var slotId = SlotStarter.InstanceIdFor("nightly", Slot);
        Assert.All(fires, f => Assert.Equal(slotId, f.InstanceId));
        Assert.Single(fires, f => f.Outcome == SlotOutcome.Started);
        Assert.Equal(5, fires.Count(f => f.Outcome == SlotOutcome.AlreadyTaken));
        var runs = await ListAsync(nameof(TimedRun));
        Assert.Equal(slotId, Assert.Single(runs).InstanceId);

        // The same slot fired again later (a restarted host catching up) is a no-op.
        Assert.Equal(SlotOutcome.AlreadyTaken, (await _second.Get<TimerTrigger>().FireAsync(Slot, CancellationToken.None)).Outcome);

        // The next slot comes while this run is still going: recorded as a SkippedSlot instance, not started.
        await _first.WaitUntilAsync(slotId, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        var next = await _second.Get<TimerTrigger>().FireAsync(Slot.AddDays(1), CancellationToken.None);
        Assert.Equal(SlotOutcome.Skipped, next.Outcome);
        var skipped = await _first.WaitAsync(next.InstanceId);
        Assert.Equal(nameof(SkippedSlot), skipped.Name);
        RunAssert.Completed(skipped);
        Assert.Contains(slotId, skipped.ReadOutputAs<string>(), StringComparison.Ordinal);
        Assert.Single(await ListAsync(nameof(TimedRun)));

        var done = await _first.WaitAsync(slotId);
        RunAssert.Completed(done);
        Assert.Equal(Slot, done.ReadOutputAs<DateTimeOffset>());
        Assert.Equal(1, _first.Get<Effects>().Count($"slow-start:{slotId}:run") + _second.Get<Effects>().Count($"slow-start:{slotId}:run"));
    }

    private async Task<List<OrchestrationMetadata>> ListAsync(string name)
    {
        var all = new List<OrchestrationMetadata>();
        await foreach (var m in _first.Client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            if (m.Name == name)
            {
                all.Add(m);
            }
        }

        return all;
    }
}
