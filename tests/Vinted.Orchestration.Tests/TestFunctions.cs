using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Vinted.Pipeline.Retries;

namespace Vinted.Orchestration.Tests;

/// <summary>Counts what activities did, per key, so tests can check effects and attempts.</summary>
public sealed class Effects
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    /// <summary>Records one run under <paramref name="key"/>; returns how many there have been.</summary>
    public int Touch(string key) => _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public int Count(string key) => _attempts.GetValueOrDefault(key);
}

public sealed record ChainInput(int Start, int Steps);

public sealed record ChainStatus(int Done);

/// <summary>Adds one per step, reporting progress in its custom status.</summary>
public sealed class Chain : TaskOrchestrator<ChainInput, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, ChainInput input)
    {
        var value = input.Start;
        for (var i = 0; i < input.Steps; i++)
        {
            value = await context.CallActivityAsync<int>(nameof(AddOne), value);
            context.SetCustomStatus(new ChainStatus(i + 1));
        }

        return value;
    }
}

public sealed class AddOne(Effects effects) : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input)
    {
        effects.Touch($"add:{context.InstanceId}:{input}");
        return Task.FromResult(input + 1);
    }
}

/// <summary>Fans out one <see cref="Square"/> per number, then fans in through <see cref="Sum"/>.</summary>
public sealed class FanOut : TaskOrchestrator<int, long>
{
    public override async Task<long> RunAsync(TaskOrchestrationContext context, int count)
    {
        var squares = await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>(nameof(Square), i)));
        return await context.CallActivityAsync<long>(nameof(Sum), squares);
    }
}

public sealed class Square(Effects effects) : TaskActivity<int, long>
{
    public override Task<long> RunAsync(TaskActivityContext context, int input)
    {
        effects.Touch($"square:{context.InstanceId}:{input}");
        return Task.FromResult((long)input * input);
    }
}

public sealed class Sum : TaskActivity<long[], long>
{
    public override Task<long> RunAsync(TaskActivityContext context, long[] input) => Task.FromResult(input.Sum());
}

public sealed record FlakyInput(string Key, int FailTimes, bool NonRetryable = false);

/// <summary>
/// A healthy call, then <see cref="Flaky"/>, both through the pipeline's retry policy (jittered back-off on a durable
/// timer): the healthy one shows what a rewind must not run again.
/// </summary>
public sealed class RetryingOrchestrator : TaskOrchestrator<FlakyInput, string>
{
    public static readonly RetrySettings Retry = new()
    {
        MaxNumberOfAttempts = 3,
        FirstRetryInterval = TimeSpan.FromMilliseconds(300),
        BackoffCoefficient = 2,
        MaxRetryInterval = TimeSpan.FromSeconds(2),
    };

    public override async Task<string> RunAsync(TaskOrchestrationContext context, FlakyInput input)
    {
        var healthy = await context.CallActivityAsync<int>(nameof(AddOne), 100, ActivityRetry.Options(Retry, "healthy"));
        var flaky = await context.CallActivityAsync<string>(nameof(Flaky), input, ActivityRetry.Options(Retry, "flaky"));
        return $"{healthy}:{flaky}";
    }
}

/// <summary>Fails its first <see cref="FlakyInput.FailTimes"/> attempts (counted per key over the whole test).</summary>
public sealed class Flaky(Effects effects) : TaskActivity<FlakyInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, FlakyInput input)
    {
        var attempt = effects.Touch($"flaky:{input.Key}");
        if (attempt <= input.FailTimes)
        {
            throw input.NonRetryable
                ? new NonRetryableException($"refused on attempt {attempt}")
                : new InvalidOperationException($"transient failure {attempt}");
        }

        return Task.FromResult($"ok after {attempt}");
    }
}

public sealed record SlowInput(string Tag, int DelayMs);

/// <summary>Takes <see cref="SlowInput.DelayMs"/>, then returns its tag; records its start and its end.</summary>
public sealed class Slow(Effects effects) : TaskActivity<SlowInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, SlowInput input)
    {
        effects.Touch($"slow-start:{context.InstanceId}:{input.Tag}");
        await Task.Delay(input.DelayMs);
        effects.Touch($"slow-done:{context.InstanceId}:{input.Tag}");
        return input.Tag;
    }
}

/// <summary>Five slow steps in a row: an instance that stays running long enough to act on it.</summary>
public sealed class SlowChain : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int delayMs)
    {
        for (var i = 0; i < 5; i++)
        {
            await context.CallActivityAsync<string>(nameof(Slow), new SlowInput($"step-{i}", delayMs));
        }

        return 5;
    }
}

/// <summary>A fan-out of <see cref="SlowSquare"/>: long enough to be in flight when a service is restarted.</summary>
public sealed class SlowFanOut : TaskOrchestrator<int, long>
{
    public override async Task<long> RunAsync(TaskOrchestrationContext context, int count)
    {
        var squares = await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>(nameof(SlowSquare), i)));
        return await context.CallActivityAsync<long>(nameof(Sum), squares);
    }
}

/// <summary>Squares after 50 ms, counting its runs per instance.</summary>
public sealed class SlowSquare(Effects effects) : TaskActivity<int, long>
{
    public override async Task<long> RunAsync(TaskActivityContext context, int input)
    {
        await Task.Delay(50);
        effects.Touch($"slow-square:{context.InstanceId}");
        return (long)input * input;
    }
}
