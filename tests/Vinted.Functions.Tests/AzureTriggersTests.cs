using System.Text;
using Vinted.Functions.Azure;
using Vinted.Orchestration.Timer;

namespace Vinted.Functions.Tests;

public sealed class AzureTriggersTests
{
    private static readonly ScheduleOptions Daily = new() { Cron = "0 3 * * *", TimeZone = "Europe/Lisbon", Orchestrator = "DailyPipeline" };

    [Theory]
    [InlineData("2026-11-30T03:00:00.0100000+00:00")] // on time (Lisbon is UTC in winter)
    [InlineData("2026-11-30T02:59:45+00:00")] // a little early
    [InlineData("2026-11-30T09:30:00+00:00")] // past due, after a restart
    public void SlotAt_FiringOfTheDay_IsThatDaysOccurrence(string now) =>
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T03:00:00+00:00"), Triggers.SlotAt(Daily, DateTimeOffset.Parse(now)));

    [Fact]
    public void SlotAt_SummerTime_IsTheOccurrenceInTheScheduleZone() =>
        Assert.Equal(DateTimeOffset.Parse("2026-07-01T02:00:00+00:00"), Triggers.SlotAt(Daily, DateTimeOffset.Parse("2026-07-01T03:00:00+00:00")));

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData("null")]
    public void TryReadInput_NoBody_IsAnHttpRunWithDefaults(string body)
    {
        Assert.True(Triggers.TryReadInput(Encoding.UTF8.GetBytes(body), out var input, out _));
        Assert.Equal("http", input.Trigger);
        Assert.Null(input.Date);
    }

    [Fact]
    public void TryReadInput_Fields_AreRead()
    {
        Assert.True(Triggers.TryReadInput("""{"date":"2026-11-29","maxPages":2}"""u8.ToArray(), out var input, out _));
        Assert.Equal(new DateOnly(2026, 11, 29), input.Date);
        Assert.Equal(2, input.MaxPages);
        Assert.Equal("http", input.Trigger);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"maxPages":"many"}""")]
    [InlineData("[1,2]")]
    [InlineData("""{"searches":[{"search":{"domain":"pt","perPage":500}}]}""")]
    [InlineData("""{"maxPages":50000000}""")] // out of bounds
    [InlineData("""{"count":50000000}""")] // a member the input does not have (a probe's), not silently a default run
    public void TryReadInput_BodyThatDoesNotFit_IsRefused(string body)
    {
        Assert.False(Triggers.TryReadInput(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryReadInput_TooManySearches_IsRefusedNamingTheField()
    {
        var body = "{\"searches\":[" + string.Join(",", Enumerable.Repeat("""{"search":{"domain":"pt"}}""", 201)) + "]}";

        Assert.False(Triggers.TryReadInput(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.Contains("input:Searches", error, StringComparison.Ordinal);
    }
}
