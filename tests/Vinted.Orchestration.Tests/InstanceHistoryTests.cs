using System.Text.Json;
using Vinted.Orchestration.Client;

namespace Vinted.Orchestration.Tests;

/// <summary>Folding the Azure Storage provider's history JSON (its shape as read from Azurite) into steps.</summary>
public sealed class InstanceHistoryTests
{
    [Fact]
    public void Fold_TaggedRetries_AreAttemptsOfOneStepWithTheirFailures()
    {
        var steps = InstanceHistory.Fold(Events(
            """{"EventType":4,"Name":"FetchPage","Tags":{"step":"page-2"},"EventId":0,"Timestamp":"2026-11-30T10:00:00Z"}""",
            """{"EventType":4,"Name":"FetchPage","Tags":{"step":"page-3"},"EventId":1,"Timestamp":"2026-11-30T10:00:00Z"}""",
            """{"EventType":6,"TaskScheduledId":0,"Reason":"x","FailureDetails":{"ErrorType":"System.TimeoutException","ErrorMessage":"slow"},"Timestamp":"2026-11-30T10:00:01Z"}""",
            """{"EventType":5,"TaskScheduledId":1,"Result":"{}","Timestamp":"2026-11-30T10:00:01Z"}""",
            """{"EventType":10,"EventId":2,"Timestamp":"2026-11-30T10:00:01Z"}""",
            """{"EventType":4,"Name":"FetchPage","Tags":{"step":"page-2"},"EventId":3,"Timestamp":"2026-11-30T10:00:03Z"}""",
            """{"EventType":5,"TaskScheduledId":3,"Result":"{}","Timestamp":"2026-11-30T10:00:03.5Z"}"""));

        Assert.Equal(2, steps.Steps.Count);
        var retried = steps.Steps.Single(s => s.Step == "page-2");
        Assert.Equal(2, retried.Attempts);
        Assert.Equal("Completed", retried.Status);
        Assert.Equal(500, retried.DurationMs!.Value, precision: 3);
        var failure = Assert.Single(retried.Failures);
        Assert.Equal(1, failure.Attempt);
        Assert.Equal("System.TimeoutException: slow", failure.Error);
        Assert.Equal(1, steps.Steps.Single(s => s.Step == "page-3").Attempts);
    }

    [Fact]
    public void Fold_UntaggedCallsAndUnfinishedOnes_AreOneStepEachAndRunning()
    {
        var steps = InstanceHistory.Fold(Events(
            """{"EventType":4,"Name":"Square","Tags":{},"EventId":0,"Timestamp":"2026-11-30T10:00:00Z"}""",
            """{"EventType":4,"Name":"Square","EventId":1,"Timestamp":"2026-11-30T10:00:00Z"}""",
            """{"EventType":5,"TaskScheduledId":0,"Result":"1","Timestamp":"2026-11-30T10:00:01Z"}"""));

        Assert.Equal(["Completed", "Running"], steps.Steps.Select(s => s.Status));
    }

    [Fact]
    public void Fold_SubOrchestrations_AreListedAsChildren()
    {
        var steps = InstanceHistory.Fold(Events(
            """{"EventType":7,"Name":"SearchIngestion","InstanceId":"run:search-000","EventId":0,"Timestamp":"2026-11-30T10:00:00Z"}"""));

        Assert.Equal([new ChildInstance("SearchIngestion", "run:search-000")], steps.Children);
    }

    [Fact]
    public void Fold_NotAnArray_IsEmpty() => Assert.Empty(InstanceHistory.Fold(default).Steps);

    private static JsonElement Events(params string[] events) => JsonDocument.Parse($"[{string.Join(",", events)}]").RootElement;
}
