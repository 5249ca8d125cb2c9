using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Orchestration.Http;
using Vinted.Orchestration.Tests.Infrastructure;
using Vinted.Orchestration.Options;

namespace Vinted.Orchestration.Tests;

/// <summary>The engine's behaviour through its client, one in-process host (production settings) for the class.</summary>
public abstract class OrchestrationTests(EngineBackend backend) : IAsyncLifetime
{
    private EngineHost _host = null!;
    private Effects _effects = null!;

    public async Task InitializeAsync()
    {
        _host = await EngineHost.StartAsync(
            LocalStack.NewHubName(),
            engine => engine
                .AddOrchestrator<Chain>().AddOrchestrator<FanOut>().AddOrchestrator<RetryingOrchestrator>().AddOrchestrator<SlowChain>()
                .AddActivity<AddOne>().AddActivity<Square>().AddActivity<Sum>().AddActivity<Flaky>().AddActivity<Slow>(),
            services: s => s.AddSingleton<Effects>(),
            backend: backend);
        _effects = _host.Get<Effects>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Chain_ThreeActivities_CompletesWithResultAndCustomStatus()
    {
        var status = await _host.RunAsync(nameof(Chain), new ChainInput(10, 3));

        RunAssert.Completed(status);
        Assert.Equal(13, status.ReadOutputAs<int>());
        Assert.Equal(new ChainStatus(3), status.ReadCustomStatusAs<ChainStatus>());
        var steps = (await _host.History.ReadAsync(status.InstanceId, CancellationToken.None)).Steps;
        Assert.Equal(3, steps.Count);
        Assert.All(steps, s => Assert.Equal(("AddOne", 1, "Completed"), (s.Name, s.Attempts, s.Status)));
    }

    [Fact]
    public async Task FanOut_300Activities_EveryEffectExactlyOnce()
    {
        var status = await _host.RunAsync(nameof(FanOut), 300);

        RunAssert.Completed(status);
        Assert.Equal(Enumerable.Range(1, 300).Sum(i => (long)i * i), status.ReadOutputAs<long>());
        Assert.All(Enumerable.Range(1, 300), i => Assert.Equal(1, _effects.Count($"square:{status.InstanceId}:{i}")));
        var steps = (await _host.History.ReadAsync(status.InstanceId, CancellationToken.None)).Steps;
        Assert.Equal(301, steps.Count);
        Assert.All(steps, s => Assert.Equal("Completed", s.Status));
    }

    [Fact]
    public async Task Retry_TransientFailures_RetriedOnDurableTimerThenSucceed()
    {
        var key = Guid.NewGuid().ToString("N");

        var status = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 2));

        RunAssert.Completed(status);
        Assert.Equal("101:ok after 3", status.ReadOutputAs<string>());
        Assert.Equal(3, _effects.Count($"flaky:{key}"));
        var step = Assert.Single((await _host.History.ReadAsync(status.InstanceId, CancellationToken.None)).Steps, s => s.Step == "flaky");
        Assert.Equal((3, "Completed"), (step.Attempts, step.Status));
        Assert.Equal(["transient failure 1", "transient failure 2"], step.Failures.Select(f => f.Error.Split(": ", 2)[1]));
    }

    [Fact]
    public async Task Retry_NonRetryableFailure_FailsAtOnce()
    {
        var key = Guid.NewGuid().ToString("N");

        var status = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 5, NonRetryable: true));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("refused on attempt 1", ErrorOf(status), StringComparison.Ordinal);
        Assert.Equal(1, _effects.Count($"flaky:{key}"));
    }

    [Fact]
    public async Task Retry_AttemptsExhausted_FailsWithTheLastError()
    {
        var key = Guid.NewGuid().ToString("N");

        var status = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 99));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("transient failure 3", ErrorOf(status), StringComparison.Ordinal);
        Assert.Equal(3, _effects.Count($"flaky:{key}"));
    }

    [Fact]
    public async Task Rewind_FailedStepWithoutRetries_RerunsOnlyTheFailedStep()
    {
        var key = Guid.NewGuid().ToString("N");
        var failed = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 1, NonRetryable: true));
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);

        var status = await RewindAsync(failed);

        RunAssert.Completed(status);
        Assert.Equal("101:ok after 2", status.ReadOutputAs<string>());
        Assert.Equal(1, _effects.Count($"add:{failed.InstanceId}:100"));
        Assert.Equal(2, _effects.Count($"flaky:{key}"));
    }

    /// <summary>
    /// Rewind (the Azure Storage provider's, and DurableTask.Core's that the PostgreSQL backend uses) drops the failed
    /// calls but keeps the retry handler's durable timers; the replay then meets a timer its code has not created yet
    /// and fails as non-deterministic. What is shown here is that limit: a rewind after retries fails the instance
    /// again (never runs it wrongly).
    /// </summary>
    [Fact]
    public async Task Rewind_FailedStepAfterRetries_ProviderFailsItAsNonDeterministic()
    {
        var key = Guid.NewGuid().ToString("N");
        var failed = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 3));
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Equal(3, _effects.Count($"flaky:{key}"));

        var status = await RewindAsync(failed);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains("NonDeterministicOrchestrationException", ErrorOf(status), StringComparison.Ordinal);
        Assert.Contains("timer", ErrorOf(status), StringComparison.Ordinal);
        Assert.Equal(1, _effects.Count($"add:{failed.InstanceId}:100"));
    }

    /// <summary>What works where rewind does not: a failed instance started again under its id, with its input, from the top.</summary>
    [Fact]
    public async Task Restart_FailedInstanceAfterRetries_RunsAgainUnderItsIdWithItsInput()
    {
        var key = Guid.NewGuid().ToString("N");
        var failed = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(key, FailTimes: 3));
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);

        var id = await _host.Client.RestartAsync(failed.InstanceId);
        await _host.WaitUntilAsync(id, m => m.IsCompleted && m.LastUpdatedAt > failed.LastUpdatedAt);
        var status = (await _host.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!;

        Assert.Equal(failed.InstanceId, id);
        RunAssert.Completed(status);
        Assert.Equal("101:ok after 4", status.ReadOutputAs<string>());
        Assert.Equal(failed.SerializedInput, status.SerializedInput);
        Assert.Equal(2, _effects.Count($"add:{failed.InstanceId}:100")); // from the top: idempotent activities make that safe
    }

    [Fact]
    public async Task Restart_ActiveInstance_IsRefused()
    {
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowChain), 2_000);
        await _host.Client.WaitForInstanceStartAsync(id);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _host.Client.RestartAsync(id));
        await _host.Client.TerminateInstanceAsync(id, "test done");
    }

    [Fact]
    public async Task Rewind_InstanceNotFailed_IsRefused()
    {
        var done = await _host.RunAsync(nameof(Chain), new ChainInput(0, 1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => _host.Client.RewindInstanceAsync(done.InstanceId, "no reason"));
    }

    [Fact]
    public async Task Terminate_RunningInstance_StopsSchedulingSteps()
    {
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowChain), 1000);
        await Eventually.WaitForAsync(() => Task.FromResult(_effects.Count($"slow-start:{id}:step-0") == 1), TimeSpan.FromSeconds(60));

        await _host.Client.TerminateInstanceAsync(id, "operator said so");
        var status = await _host.WaitAsync(id);
        // The step that was running finishes (terminate does not cancel activities); its result is discarded.
        await Eventually.WaitForAsync(() => Task.FromResult(_effects.Count($"slow-done:{id}:step-0") == 1), TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, status.RuntimeStatus);
        Assert.Equal("operator said so", status.ReadOutputAs<string>());
        var after = await _host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, after!.RuntimeStatus);
        Assert.Equal(0, _effects.Count($"slow-start:{id}:step-1"));
        Assert.Single((await _host.History.ReadAsync(id, CancellationToken.None)).Steps);
    }

    [Fact]
    public async Task Start_ActiveIdTwice_SecondIsRefusedAndFinishedIdIsReplaced()
    {
        var id = $"fixed-{Guid.NewGuid():N}";
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowChain), 300, new StartOrchestrationOptions(id));

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Chain), new ChainInput(1, 1), new StartOrchestrationOptions(id)));

        var first = await _host.WaitAsync(id);
        Assert.Equal((nameof(SlowChain), 5), (first.Name, first.ReadOutputAs<int>()));
        Assert.Equal(1, _effects.Count($"slow-start:{id}:step-0"));

        await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Chain), new ChainInput(1, 1), new StartOrchestrationOptions(id));
        await _host.WaitUntilAsync(id, m => m.Name == nameof(Chain) && m.IsCompleted);
        var second = await _host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal(2, second!.ReadOutputAs<int>());
    }

    [Fact]
    public async Task Purge_FinishedInstanceGone_RunningOneRefused()
    {
        var done = await _host.RunAsync(nameof(Chain), new ChainInput(0, 1));
        var running = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowChain), 500);
        await _host.WaitUntilAsync(running, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        Assert.Equal(1, (await _host.Client.PurgeInstanceAsync(done.InstanceId)).PurgedInstanceCount);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _host.Client.PurgeInstanceAsync(running));
        Assert.Equal(0, (await _host.Client.PurgeInstanceAsync("no-such-instance")).PurgedInstanceCount);

        Assert.Null(await _host.Client.GetInstanceAsync(done.InstanceId));
        Assert.Empty((await _host.History.ReadAsync(done.InstanceId, CancellationToken.None)).Steps);
        Assert.NotNull(await _host.Client.GetInstanceAsync(running));
        await _host.Client.TerminateInstanceAsync(running);
    }

    [Fact]
    public async Task List_StatusAndPrefixFilter_PagesThroughEveryMatchOnce()
    {
        var prefix = $"list-{Guid.NewGuid():N}-";
        var completed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            completed.Add((await _host.RunAsync(nameof(Chain), new ChainInput(i, 1), $"{prefix}{i}")).InstanceId);
        }

        var failed = await _host.RunAsync(nameof(RetryingOrchestrator), new FlakyInput(prefix, 1, NonRetryable: true), $"{prefix}failed");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);

        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Completed], InstanceIdPrefix = prefix, PageSize = 2 };
        var seen = new List<string>();
        var pages = 0;
        await foreach (var page in _host.Client.GetAllInstancesAsync(query).AsPages(pageSizeHint: 2))
        {
            pages++;
            Assert.InRange(page.Values.Count, 0, 2);
            Assert.All(page.Values, m => RunAssert.Completed(m));
            seen.AddRange(page.Values.Select(m => m.InstanceId));
        }

        Assert.Equal(completed.Order(), seen.Order());
        Assert.True(pages >= 3, $"5 matches in pages of 2 came in {pages} page(s)");
    }

    /// <summary>Rewinds <paramref name="failed"/> and waits until it has finished again.</summary>
    private async Task<OrchestrationMetadata> RewindAsync(OrchestrationMetadata failed)
    {
        await _host.Client.RewindInstanceAsync(failed.InstanceId, "fixed");
        await _host.WaitUntilAsync(failed.InstanceId, m => m.IsCompleted && m.LastUpdatedAt > failed.LastUpdatedAt);
        return (await _host.Client.GetInstanceAsync(failed.InstanceId, getInputsAndOutputs: true))!;
    }

    /// <summary>The error as the HTTP API shows it (failure details, else the output text).</summary>
    private static string ErrorOf(OrchestrationMetadata status) => InstanceStatus.From(status).Error ?? "";
}

/// <summary>The suite on the PostgreSQL backend (the self-hosted default).</summary>
public sealed class OrchestrationTestsOnPostgreSql() : OrchestrationTests(EngineBackend.PostgreSql);

/// <summary>The same suite on the Azure Storage provider over Azurite: the reference.</summary>
public sealed class OrchestrationTestsOnAzureStorage() : OrchestrationTests(EngineBackend.AzureStorage);
