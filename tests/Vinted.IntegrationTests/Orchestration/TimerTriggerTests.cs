using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vinted.IntegrationTests.Infrastructure;
using Vinted.Orchestration;
using Vinted.Orchestration.Timer;

namespace Vinted.IntegrationTests.Orchestration;

/// <summary>Two hosts on one database, both with the timer: one run per slot, and a busy slot is skipped.</summary>
public sealed class TimerTriggerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Slot = new(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);
    private string _connectionString = "";
    private OrchestrationHost _first = null!;
    private OrchestrationHost _second = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await LocalStack.Instance.CreateDatabaseAsync(nameof(TimerTriggerTests));
        var settings = new Dictionary<string, string?>
        {
            ["Schedule:Name"] = "nightly",
            ["Schedule:Cron"] = "0 3 * * *",
            ["Schedule:TimeZone"] = "Europe/Lisbon",
            ["Schedule:Orchestrator"] = nameof(TimedRun),
            ["Schedule:Enabled"] = "false", // the tests fire slots themselves instead of waiting for 03:00
        };
        void Register(OrchestrationBuilder b) => b.AddOrchestrator<TimedRun>().AddActivity<Slow>().AddTimerTrigger();
        _first = await OrchestrationHost.StartAsync(_connectionString, Register, settings, s => s.AddSingleton<Effects>());
        _second = await OrchestrationHost.StartAsync(_connectionString, Register, settings, s => s.AddSingleton<Effects>());
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task Fire_SameSlotOnTwoHostsAtOnce_StartsOneInstance()
    {
        var fires = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? _first : _second).Services.GetRequiredService<TimerTrigger>().FireAsync(Slot, CancellationToken.None)));

        Assert.Single(fires.Select(f => f.InstanceId).Distinct());
        Assert.All(fires, f => Assert.Equal("Started", f.Outcome));
        var instances = await _first.Client.ListAsync(new() { Name = nameof(TimedRun) });
        Assert.Equal(TimerTrigger.InstanceIdFor("nightly", Slot), Assert.Single(instances.Instances).InstanceId);
        Assert.Equal(1, await CountAsync("select count(*) from durable.timer_slots"));

        // The next slot comes while this run is still going: it is recorded as skipped, not started.
        var next = await _second.Services.GetRequiredService<TimerTrigger>().FireAsync(Slot.AddDays(1), CancellationToken.None);
        Assert.Equal("Skipped", next.Outcome);
        Assert.Single((await _first.Client.ListAsync(new() { Name = nameof(TimedRun) })).Instances);

        var done = await _first.Client.WaitForCompletionAsync(fires[0].InstanceId, TimeSpan.FromSeconds(30));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done!.RuntimeStatus);
        Assert.Equal(Slot, done.ReadOutputAs<DateTimeOffset>());
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>A scheduled run: takes a few seconds, returns its slot.</summary>
public sealed class TimedRun : TaskOrchestrator<TimerInput, DateTimeOffset>
{
    public override async Task<DateTimeOffset> RunAsync(TaskOrchestrationContext context, TimerInput input)
    {
        await context.CallActivityAsync<int>(nameof(Slow), 1500);
        return input.Slot;
    }
}
