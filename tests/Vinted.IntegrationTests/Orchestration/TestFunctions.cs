using System.Collections.Concurrent;
using Vinted.Orchestration;

namespace Vinted.IntegrationTests.Orchestration;

/// <summary>Records what activities did, per test, so tests can count effects and attempts.</summary>
public sealed class Effects
{
    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    public ConcurrentBag<(string Key, DateTimeOffset At)> Log { get; } = [];

    public int Touch(string key, TimeProvider time)
    {
        Log.Add((key, time.GetUtcNow()));
        return Attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
    }
}

public sealed record ChainInput(int Start, int Steps);

public sealed class Chain : TaskOrchestrator<ChainInput, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, ChainInput input)
    {
        var value = input.Start;
        for (var i = 0; i < input.Steps; i++)
        {
            value = await context.CallActivityAsync<int>(nameof(AddOne), value);
            context.SetCustomStatus(new { done = i + 1 });
        }

        return value;
    }
}

public sealed class AddOne(Effects effects, TimeProvider time) : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input, CancellationToken cancellationToken)
    {
        effects.Touch($"add:{input}", time);
        return Task.FromResult(input + 1);
    }
}

public sealed class FanOut : TaskOrchestrator<int, long>
{
    public override async Task<long> RunAsync(TaskOrchestrationContext context, int count)
    {
        var squares = await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>(nameof(Square), i)));
        return await context.CallActivityAsync<long>(nameof(Sum), squares);
    }
}

public sealed class Square(Effects effects, TimeProvider time) : TaskActivity<int, long>
{
    public override Task<long> RunAsync(TaskActivityContext context, int input, CancellationToken cancellationToken)
    {
        effects.Touch($"square:{input}", time);
        return Task.FromResult((long)input * input);
    }
}

public sealed class Sum : TaskActivity<long[], long>
{
    public override Task<long> RunAsync(TaskActivityContext context, long[] input, CancellationToken cancellationToken) => Task.FromResult(input.Sum());
}

public sealed record FlakyInput(string Key, int FailTimes, bool NonRetryable = false);

/// <summary>Calls <see cref="Flaky"/> with the policy it is given; a second, healthy call proves only failed steps rerun.</summary>
public sealed class RetryingOrchestrator : TaskOrchestrator<FlakyInput, string>
{
    public static readonly RetryPolicy Policy = new()
    {
        MaxNumberOfAttempts = 3,
        FirstRetryInterval = TimeSpan.FromMilliseconds(500),
        BackoffCoefficient = 2,
        MaxRetryInterval = TimeSpan.FromSeconds(5),
    };

    public override async Task<string> RunAsync(TaskOrchestrationContext context, FlakyInput input)
    {
        var healthy = await context.CallActivityAsync<int>(nameof(AddOne), 100, Policy);
        var flaky = await context.CallActivityAsync<string>(nameof(Flaky), input, Policy);
        return $"{healthy}:{flaky}";
    }
}

/// <summary>Fails its first <see cref="FlakyInput.FailTimes"/> attempts (counted across the whole test).</summary>
public sealed class Flaky(Effects effects, TimeProvider time) : TaskActivity<FlakyInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, FlakyInput input, CancellationToken cancellationToken)
    {
        var attempt = effects.Touch($"flaky:{input.Key}", time);
        if (attempt <= input.FailTimes)
        {
            throw input.NonRetryable ? new NonRetryableException($"refused on attempt {attempt}") : new InvalidOperationException($"transient failure {attempt}");
        }

        return Task.FromResult($"ok after {attempt}");
    }
}

/// <summary>Calls a different activity on re-execution when the test flips <see cref="Diverge"/>.</summary>
public sealed class Unstable : TaskOrchestrator<int, int>
{
    public static volatile bool Diverge;

    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var first = await context.CallActivityAsync<int>(Diverge ? nameof(Square) : nameof(AddOne), input);
        Diverge = true;
        return await context.CallActivityAsync<int>(nameof(AddOne), first);
    }
}

/// <summary>Awaits a real delay: not an activity, so the runtime must refuse it.</summary>
public sealed class Sleeper : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        await Task.Delay(10);
        return input;
    }
}

/// <summary>An activity that takes a while, so an instance stays running long enough to act on it.</summary>
public sealed class Slow(Effects effects, TimeProvider time) : TaskActivity<int, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, int input, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(input), cancellationToken);
        effects.Touch($"slow:{context.InstanceId}:{context.StepId}", time);
        return input;
    }
}

public sealed class SlowChain : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int delayMs)
    {
        for (var i = 0; i < 5; i++)
        {
            await context.CallActivityAsync<int>(nameof(Slow), delayMs);
        }

        return 5;
    }
}

public static class TestFunctions
{
    public static void Register(OrchestrationBuilder builder) => builder
        .AddOrchestrator<Chain>()
        .AddOrchestrator<FanOut>()
        .AddOrchestrator<RetryingOrchestrator>()
        .AddOrchestrator<Unstable>()
        .AddOrchestrator<Sleeper>()
        .AddOrchestrator<SlowChain>()
        .AddActivity<AddOne>()
        .AddActivity<Square>()
        .AddActivity<Sum>()
        .AddActivity<Flaky>()
        .AddActivity<Slow>(queue: "slow");
}
