using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinted.Functions.Azure;
using Vinted.Functions.Tests.Infrastructure;
using Vinted.Orchestration.Timer;

namespace Vinted.Functions.Tests;

public sealed class AzureTriggersTests
{
    private static readonly ScheduleOptions Daily = new() { Cron = "0 3 * * *", TimeZone = "Europe/Lisbon", Orchestrator = "DailyPipeline" };

    [Theory]
    [InlineData("2026-11-30T03:00:00.0100000+00:00")] // on time (Lisbon is UTC in winter)
    [InlineData("2026-11-30T02:59:45+00:00")] // a little early
    [InlineData("2026-11-30T03:40:00+00:00")] // past due, after a restart within the catch-up window
    public void DueSlot_FiringAtTheSlot_IsThatDaysOccurrence(string now) =>
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T03:00:00+00:00"), Triggers.DueSlot(Daily, DateTimeOffset.Parse(now)));

    [Fact]
    public void DueSlot_SummerTime_IsTheLocalSlotAtTwoUtc()
    {
        // 03:00 in Lisbon is 02:00 UTC in summer: the hourly UTC firing at 02:00 starts it, the one at 03:00 does not.
        Assert.Equal(DateTimeOffset.Parse("2026-07-01T02:00:00+00:00"), Triggers.DueSlot(Daily, DateTimeOffset.Parse("2026-07-01T02:00:00.2+00:00")));
        Assert.Null(Triggers.DueSlot(Daily, DateTimeOffset.Parse("2026-07-01T03:00:00.2+00:00")));
    }

    [Theory]
    [InlineData("2026-11-30T02:00:00+00:00")] // the hour before
    [InlineData("2026-11-30T04:00:00.0100000+00:00")] // the hour after: the 03:00 firing had it
    [InlineData("2026-11-30T09:30:00+00:00")] // past the catch-up window
    public void DueSlot_HourWithoutASlot_IsNull(string now) =>
        Assert.Null(Triggers.DueSlot(Daily, DateTimeOffset.Parse(now)));

    [Fact]
    public void DueSlot_LongerCatchUpWindow_StartsALateSlot() =>
        Assert.Equal(
            DateTimeOffset.Parse("2026-11-30T03:00:00+00:00"),
            Triggers.DueSlot(new ScheduleOptions { Cron = "0 3 * * *", TimeZone = "Europe/Lisbon", CatchUpWindow = TimeSpan.FromHours(8) }, DateTimeOffset.Parse("2026-11-30T09:30:00+00:00")));

    [Fact]
    public void TrainingSchedule_AsTheWorkerRegistersIt_StartsTrainModelOnceEachMondayAtFiveLisbonTime()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Repository.Path("local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        using var worker = new WorkerHost(sample);
        var training = worker.Services.GetRequiredService<IOptionsMonitor<ScheduleOptions>>().Get(Schedules.Training);

        // host.json's PriceModel:Schedule, the self-host's weekly training, picked by the hourly UTC timer.
        Assert.Equal(("price-model", "TrainModel", "0 5 * * 1", "Europe/Lisbon"), (training.Name, training.Orchestrator, training.Cron, training.TimeZone));
        var firings = Enumerable.Range(0, 365 * 24).Select(h => DateTimeOffset.Parse("2026-01-01T00:00:00.05+00:00").AddHours(h));
        var slots = firings.Select(now => Triggers.DueSlot(training, now)).OfType<DateTimeOffset>().ToList();

        Assert.Equal(slots.Count, slots.Distinct().Count());
        Assert.Equal(52, slots.Count); // the Mondays of 2026
        var lisbon = TimeZoneInfo.FindSystemTimeZoneById("Europe/Lisbon");
        Assert.All(slots, s => Assert.Equal((DayOfWeek.Monday, 5), (TimeZoneInfo.ConvertTime(s, lisbon).DayOfWeek, TimeZoneInfo.ConvertTime(s, lisbon).Hour)));
    }

    [Fact]
    public void DueSlot_EveryHourOfAYear_StartsEachDailySlotOnce()
    {
        // The host's timer in UTC, every hour through both clock changes: each local day gets its slot exactly once.
        var firings = Enumerable.Range(0, 366 * 24).Select(h => DateTimeOffset.Parse("2026-01-01T00:00:00.05+00:00").AddHours(h));
        var slots = firings.Select(now => Triggers.DueSlot(Daily, now)).OfType<DateTimeOffset>().ToList();

        Assert.Equal(slots.Count, slots.Distinct().Count());
        Assert.Equal(366, slots.Count);
        Assert.All(slots, s => Assert.Equal(3, TimeZoneInfo.ConvertTime(s, TimeZoneInfo.FindSystemTimeZoneById("Europe/Lisbon")).Hour));
    }

    [Fact]
    public void HourlyCron_IsSixFieldsOnTheHour()
    {
        var cron = Cronos.CronExpression.Parse(Triggers.HourlyCron, Cronos.CronFormat.IncludeSeconds);
        var from = DateTimeOffset.Parse("2026-11-30T03:00:00+00:00");

        Assert.Equal(6, Triggers.HourlyCron.Split(' ').Length);
        Assert.Equal(from + Triggers.TimerPeriod, cron.GetNextOccurrence(from, TimeZoneInfo.Utc));
    }

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
