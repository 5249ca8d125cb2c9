using Microsoft.Extensions.DependencyInjection;
using Vinted.IntegrationTests.Infrastructure;
using Vinted.Orchestration;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Storage;

namespace Vinted.IntegrationTests.Orchestration;

/// <summary>The durable layer against real PostgreSQL and Hangfire, one in-process host for the class.</summary>
public sealed class OrchestrationTests : IAsyncLifetime
{
    private OrchestrationHost _host = null!;
    private Effects _effects = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await LocalStack.Instance.CreateDatabaseAsync(nameof(OrchestrationTests));
        _host = await OrchestrationHost.StartAsync(connectionString, TestFunctions.Register, services: s => s.AddSingleton<Effects>());
        _effects = _host.Services.GetRequiredService<Effects>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Chain_ThreeActivities_CompletesWithResultAndCustomStatus()
    {
        var status = await _host.RunAsync(nameof(Chain), new ChainInput(10, 3));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(13, status.ReadOutputAs<int>());
        Assert.Equal(3, status.CustomStatus!.Value.GetProperty("done").GetInt32());
        Assert.Equal(4, status.Executions); // the start, then once after each step
    }

    [Fact]
    public async Task FanOut_300Activities_FansInWithoutOneExecutionPerActivity()
    {
        var status = await _host.RunAsync(nameof(FanOut), 300);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 300).Sum(i => (long)i * i), status.ReadOutputAs<long>());
        Assert.InRange(status.Executions, 3, 4); // start, fan-in, after Sum (+1 if the sweeper re-woke it)
        Assert.All(Enumerable.Range(1, 300), i => Assert.Equal(1, _effects.Attempts[$"square:{i}"]));
        // One Hangfire job per step: the sweeper did not re-dispatch steps the orchestrator was still dispatching.
        Assert.Equal(301, await ScalarAsync(
            "select count(*) from hangfire.job where invocationdata::text like '%ActivityJob%' and arguments::text like '%' || @id || '%'", status.InstanceId));
    }

    [Fact]
    public async Task Sweeper_UndispatchedSteps_TakenOnlyOnceTheirDispatchHasStalled()
    {
        var store = _host.Services.GetRequiredService<LedgerStore>();
        var id = $"stalled-{Guid.NewGuid():N}";
        await store.CreateInstanceAsync(id, nameof(FanOut), "3");
        await using (var scope = (await store.BeginExecutionAsync(id, CancellationToken.None))!)
        {
            var steps = Enumerable.Range(0, 3).Select(i => new NewStepRow(i, nameof(Square), "default", $"{i}", $"h{i}", "{}")).ToList();
            await store.SaveExecutionAsync(scope, new ExecutionOutcome(OrchestrationRuntimeStatus.Running, steps, null, null, null), CancellationToken.None);
        }

        await store.MarkDispatchedAsync(id, [0], CancellationToken.None); // a live dispatcher got one step out

        var whileAlive = await store.UndispatchedAsync(null, store.Now.AddSeconds(-1), 100, CancellationToken.None);
        var afterStall = await store.UndispatchedAsync(null, store.Now.AddSeconds(1), 100, CancellationToken.None);

        Assert.DoesNotContain(whileAlive, s => s.InstanceId == id);
        Assert.Equal([1, 2], afterStall.Where(s => s.InstanceId == id).Select(s => s.Seq));
        await store.TerminateAsync(id, "test done");
    }

    [Fact]
    public async Task Retry_TransientFailures_RetriedWithBackoffThenSucceed()
    {
        var key = Guid.NewGuid().ToString("N");

        var status = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 2));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal("101:ok after 3", status.ReadOutputAs<string>());
        var attempts = _effects.Log.Where(e => e.Key == $"flaky:{key}").Select(e => e.At).Order().ToList();
        Assert.Equal(3, attempts.Count);
        // First retry after 0.5 s, second after 1 s (coefficient 2); Hangfire's schedule poller adds up to 0.2 s.
        Assert.InRange((attempts[1] - attempts[0]).TotalSeconds, 0.5, 3);
        Assert.InRange((attempts[2] - attempts[1]).TotalSeconds, 1.0, 4);
        var history = (await _host.Client.GetStatusAsync(status.InstanceId, showHistory: true))!.HistoryEvents!;
        Assert.Equal(3, history.Single(h => h.Name == nameof(Flaky)).Attempts);
        Assert.Equal(2, history.Single(h => h.Name == nameof(Flaky)).Errors.GetArrayLength());
    }

    [Fact]
    public async Task Retry_NonRetryableFailure_FailsAtOnce()
    {
        var key = Guid.NewGuid().ToString("N");

        var status = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 5, NonRetryable: true));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("refused on attempt 1", status.Error, StringComparison.Ordinal);
        Assert.Equal(1, _effects.Attempts[$"flaky:{key}"]);
    }

    [Fact]
    public async Task Retry_AttemptsExhausted_FailsWithTheLastError()
    {
        var key = Guid.NewGuid().ToString("N");

        var status = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 99));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("transient failure 3", status.Error, StringComparison.Ordinal);
        Assert.Equal(3, _effects.Attempts[$"flaky:{key}"]);
    }

    [Fact]
    public async Task Rewind_FailedInstance_RerunsOnlyTheFailedStep()
    {
        var key = Guid.NewGuid().ToString("N");
        var failed = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 3));
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        var healthyRunsBefore = _effects.Log.Count(e => e.Key == "add:100");

        Assert.True(await _host.Client.RewindAsync(failed.InstanceId, "fixed"));
        var status = await _host.Client.WaitForCompletionAsync(failed.InstanceId, TimeSpan.FromSeconds(30));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, status!.RuntimeStatus);
        Assert.Equal("101:ok after 4", status.ReadOutputAs<string>());
        Assert.Equal(healthyRunsBefore, _effects.Log.Count(e => e.Key == "add:100"));
        var history = (await _host.Client.GetStatusAsync(failed.InstanceId, showHistory: true))!.HistoryEvents!;
        Assert.Equal([0, 1], history.Select(h => h.Rewinds).ToArray());
    }

    [Fact]
    public async Task Rewind_InstanceNotFailed_IsRefused()
    {
        var done = await _host.RunAsync(nameof(Chain), new ChainInput(0, 1));

        Assert.False(await _host.Client.RewindAsync(done.InstanceId));
    }

    [Fact]
    public async Task Determinism_DifferentCallOnReexecution_FailsTheInstance()
    {
        Unstable.Diverge = false;

        var status = await _host.RunAsync(nameof(Unstable), 7);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains(nameof(NonDeterministicOrchestrationException), status.Error, StringComparison.Ordinal);
        Assert.Contains("'AddOne'", status.Error, StringComparison.Ordinal);
        Assert.Contains("'Square'", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Determinism_AwaitOtherThanActivity_FailsTheInstance()
    {
        var status = await _host.RunAsync(nameof(Sleeper), 1);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("awaited something other than an activity", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminate_RunningInstance_StopsSchedulingSteps()
    {
        var id = await _host.Client.StartNewAsync(nameof(SlowChain), 400);
        await WaitUntilAsync(async () => (await _host.Client.GetStatusAsync(id))!.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        Assert.True(await _host.Client.TerminateAsync(id, "operator said so"));
        await Task.Delay(1500);

        var status = await _host.Client.GetStatusAsync(id, showHistory: true);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, status!.RuntimeStatus);
        Assert.Equal("operator said so", status.ReadOutputAs<string>());
        Assert.InRange(status.HistoryEvents!.Count, 1, 2);
        Assert.False(await _host.Client.TerminateAsync(id));
    }

    [Fact]
    public async Task StartNew_SameInstanceIdTwice_RunsOnce()
    {
        var id = $"fixed-{Guid.NewGuid():N}";
        var input = new ChainInput(Random.Shared.Next(1_000_000, 2_000_000), 2);

        var first = await _host.Client.StartNewAsync(nameof(Chain), input, id);
        var second = await _host.Client.StartNewAsync(nameof(Chain), input, id);
        var status = await _host.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal(first, second);
        Assert.Equal(input.Start + 2, status!.ReadOutputAs<int>());
        Assert.Equal(1, _effects.Attempts[$"add:{input.Start}"]);
        Assert.Single((await _host.Client.ListAsync(new InstanceFilter { Top = 1000 })).Instances, i => i.InstanceId == id);
    }

    [Fact]
    public async Task Purge_FinishedInstance_IsGoneAndRunningOneIsKept()
    {
        var done = await _host.RunAsync(nameof(Chain), new ChainInput(0, 1));
        var running = await _host.Client.StartNewAsync(nameof(SlowChain), 300);

        Assert.True(await _host.Client.PurgeAsync(done.InstanceId));
        Assert.False(await _host.Client.PurgeAsync(running));
        Assert.Null(await _host.Client.PurgeAsync("no-such-instance"));
        Assert.Null(await _host.Client.GetStatusAsync(done.InstanceId));
        Assert.NotNull(await _host.Client.GetStatusAsync(running));
        await _host.Client.TerminateAsync(running);
    }

    [Fact]
    public async Task List_FilterAndContinuationToken_PagesThroughEveryMatch()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _host.RunAsync(nameof(Chain), new ChainInput(i, 1), $"list-{Guid.NewGuid():N}")).InstanceId);
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await _host.Client.ListAsync(new InstanceFilter { RuntimeStatus = [OrchestrationRuntimeStatus.Completed], Top = 2, ContinuationToken = token });
            Assert.InRange(page.Instances.Count, 0, 2);
            Assert.All(page.Instances, i => Assert.Equal(OrchestrationRuntimeStatus.Completed, i.RuntimeStatus));
            seen.AddRange(page.Instances.Select(i => i.InstanceId));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), ids.ToHashSet());
    }

    private async Task<long> ScalarAsync(string sql, string id)
    {
        await using var command = _host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
        {
            await Task.Delay(50);
        }
    }
}
