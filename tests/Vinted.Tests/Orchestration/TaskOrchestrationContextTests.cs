using System.Text.Json;
using Vinted.Orchestration;
using Vinted.Orchestration.Execution;
using Vinted.Orchestration.Storage;

namespace Vinted.Tests.Orchestration;

public sealed class TaskOrchestrationContextTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CallActivityAsync_RecordedCompletedStep_ReturnsRecordedResultAndAdvancesClock()
    {
        var context = Context(Step(0, "Add", new { a = 1 }, StepStatus.Completed, "3", Created.AddMinutes(5)));

        var result = await context.CallActivityAsync<int>("Add", new { a = 1 });

        Assert.Equal(3, result);
        Assert.Equal(Created.AddMinutes(5), context.CurrentUtcDateTime);
        Assert.Empty(context.NewSteps);
    }

    [Fact]
    public void CallActivityAsync_NewCall_IsScheduledAndNeverCompletes()
    {
        var context = Context(Step(0, "Add", 1, StepStatus.Completed, "3", Created));
        _ = context.CallActivityAsync<int>("Add", 1);

        var pending = context.CallActivityAsync<int>("Next", 2);

        Assert.False(pending.IsCompleted);
        var step = Assert.Single(context.NewSteps);
        Assert.Equal((1, "Next", "q-Next"), (step.Seq, step.Name, step.Queue));
    }

    [Fact]
    public async Task CallActivityAsync_RecordedFailure_ThrowsTaskFailedException()
    {
        var context = Context(Step(0, "Fetch", 1, StepStatus.Failed, null, Created) with { Error = "boom" });

        var error = await Assert.ThrowsAsync<TaskFailedException>(() => context.CallActivityAsync<int>("Fetch", 1));

        Assert.Equal("Fetch", error.ActivityName);
        Assert.Contains("boom", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Other", 1)]
    [InlineData("Fetch", 2)]
    public void CallActivityAsync_DifferentNameOrInputThanRecorded_IsAViolation(string name, int input)
    {
        var context = Context(Step(0, "Fetch", 1, StepStatus.Completed, "1", Created));

        var call = context.CallActivityAsync<int>(name, input);

        Assert.True(call.IsFaulted);
        Assert.IsType<NonDeterministicOrchestrationException>(context.Violation);
    }

    [Fact]
    public void WhenAll_OnePendingAmongCompleted_StaysPending()
    {
        var context = Context(Step(0, "A", 0, StepStatus.Completed, "0", Created), Step(1, "A", 1, StepStatus.Running, null, Created));

        var all = Task.WhenAll(context.CallActivityAsync<int>("A", 0), context.CallActivityAsync<int>("A", 1));

        Assert.False(all.IsCompleted);
        Assert.Equal(1, context.PendingCalls);
    }

    private static TaskOrchestrationContext Context(params StepRecord[] history) =>
        new(
            new InstanceRecord("i1", "Test", OrchestrationRuntimeStatus.Running, null, null, null, null, 0, 1, Created, Created, null, WakePending: true),
            history,
            OrchestrationJson.Options,
            name => $"q-{name}",
            RetryPolicy.None);

    private static StepRecord Step(int seq, string name, object input, StepStatus status, string? output, DateTimeOffset completed)
    {
        var json = JsonSerializer.Serialize(input, OrchestrationJson.Options);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)));
        return new StepRecord(seq, name, "q", json, hash, "{}", status, output, null, "[]", 1, 0, Created, Created, completed);
    }
}
