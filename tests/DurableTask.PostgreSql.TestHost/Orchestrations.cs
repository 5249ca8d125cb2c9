using DurableTask.Core;
using DurableTask.Core.Exceptions;

namespace DurableTask.PostgreSql.TestHost;

/// <summary>One call of <see cref="RecordEffect"/>: its key and how long it works.</summary>
public sealed record EffectCall(string Key, int DelayMs);

/// <summary>
/// Calls <see cref="KillsItsProcess"/> (scheduled first, so taken first) beside a few good calls that work
/// <see cref="CrashInput.GoodDelayMs"/> each; the crashing call's failure (once it is set aside as poison) is handled:
/// the output says what happened to each.
/// </summary>
public sealed class CrashOrReport : TaskOrchestration<string, CrashInput>
{
    public override async Task<string> RunTask(OrchestrationContext context, CrashInput input)
    {
        var crash = context.ScheduleTask<string>(typeof(KillsItsProcess), "crash");
        var good = Enumerable.Range(0, input.GoodCalls).Select(i => context.ScheduleTask<string>(typeof(RecordEffect), new EffectCall($"good-{i}", input.GoodDelayMs))).ToList();
        var results = await Task.WhenAll(good);
        try
        {
            await crash;
            return $"crash call returned; good: {string.Join(",", results)}";
        }
        catch (TaskFailedException e)
        {
            return $"handled: {e.Message}; good: {string.Join(",", results)}";
        }
    }
}

/// <summary>Input of <see cref="CrashOrReport"/>.</summary>
public sealed record CrashInput(int GoodCalls, int GoodDelayMs);

/// <summary>Fans out <c>count</c> calls and returns how many came back with their own key.</summary>
public sealed class FanOut : TaskOrchestration<int, FanOutInput>
{
    public override async Task<int> RunTask(OrchestrationContext context, FanOutInput input)
    {
        var calls = Enumerable.Range(0, input.Count)
            .Select(i => (Key: $"fan-{i}", Task: context.ScheduleTask<string>(typeof(RecordEffect), new EffectCall($"fan-{i}", input.DelayMs))))
            .ToList();
        await Task.WhenAll(calls.Select(c => c.Task));
        return calls.Count(c => c.Task.Result == c.Key);
    }
}

/// <summary>Input of <see cref="FanOut"/>.</summary>
public sealed record FanOutInput(int Count, int DelayMs);

/// <summary>A chain of sub-orchestrations <c>depth</c> deep, each calling one activity first; returns the depth it reached.</summary>
public sealed class Chain : TaskOrchestration<int, ChainInput>
{
    public override async Task<int> RunTask(OrchestrationContext context, ChainInput input)
    {
        if (input.Depth == 0)
        {
            return 0;
        }

        var id = context.OrchestrationInstance.InstanceId;
        var key = await context.ScheduleTask<string>(typeof(RecordEffect), new EffectCall($"chain-{input.Root}-{input.Depth}", input.DelayMs));
        if (key != $"chain-{input.Root}-{input.Depth}")
        {
            throw new InvalidOperationException($"{id}: wrong result {key}");
        }

        return 1 + await context.CreateSubOrchestrationInstance<int>(typeof(Chain), $"{input.Root}-{input.Depth - 1}", input with { Depth = input.Depth - 1 });
    }
}

/// <summary>Input of <see cref="Chain"/>: the root's name (keys and child ids derive from it), the depth left, each call's work time.</summary>
public sealed record ChainInput(string Root, int Depth, int DelayMs);

/// <summary>Records its effect, works <see cref="EffectCall.DelayMs"/>, returns its key.</summary>
public sealed class RecordEffect : AsyncTaskActivity<EffectCall, string>
{
    protected override async Task<string> ExecuteAsync(TaskContext context, EffectCall input)
    {
        await Effects.RecordAsync(input.Key);
        await Task.Delay(input.DelayMs);
        return input.Key;
    }
}

/// <summary>Ends its own process at once (as a native crash or an out-of-memory kill would): no result, no abandon.</summary>
public sealed class KillsItsProcess : AsyncTaskActivity<string, string>
{
    protected override async Task<string> ExecuteAsync(TaskContext context, string input)
    {
        await Effects.RecordAsync(input);
        Environment.FailFast("KillsItsProcess: the activity ends its host on purpose");
        return input;
    }
}
