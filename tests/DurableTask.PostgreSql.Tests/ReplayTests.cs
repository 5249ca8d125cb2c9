using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.PostgreSql.Storage;
using DurableTask.PostgreSql.Tests.Infrastructure;

namespace DurableTask.PostgreSql.Tests;

/// <summary>Issue 23: replay reads no payload it does not need, and the history cache is bounded by bytes.</summary>
public sealed class ReplayTests(HubSchema schema) : IClassFixture<HubSchema>
{
    private const int InputChars = 100_000;

    [Fact]
    public async Task Orchestrations_WithLargeActivityInputs_ReplayLeanWithinTheCacheBound()
    {
        // No sessions: every result is a new work item, replayed from the cache or from the stored history.
        const long CacheBytes = 1024 * 1024;
        await using var hub = await TestHub.StartAsync(schema, [typeof(SumLengths)], [typeof(Length)], configure: s => s with
        {
            ExtendedSessions = false,
            HistoryCacheBytes = CacheBytes,
        });

        // Histories then carry the activity inputs (Durable Functions turns this on; DurableTask.Core's default leaves them
        // out). The dispatcher exists once the worker started; no instance exists yet.
        hub.Worker.TaskOrchestrationDispatcher.IncludeParameters = true;

        var instances = new List<OrchestrationInstance>();
        for (var i = 0; i < 4; i++)
        {
            instances.Add(await hub.Client.CreateOrchestrationInstanceAsync(typeof(SumLengths), $"large-{i}", 3));
        }

        foreach (var instance in instances)
        {
            var state = await hub.WaitAsync(instance);
            Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
            Assert.Equal((3 * InputChars).ToString(System.Globalization.CultureInfo.InvariantCulture), state.Output);
        }

        Assert.InRange(hub.Service.HistoryCacheBytesHeld, 0, CacheBytes);

        // The inputs are kept beside the events that replay reads, and a client still sees them in the history.
        Assert.Equal(12L, await schema.ScalarAsync<long>("select count(*) from history where event_type = @t and length(payload) > 100000", Type(EventType.TaskScheduled)));
        Assert.Equal(0L, await schema.ScalarAsync<long>("select count(*) from history where length(event) > 10000"));
        var history = await hub.Service.GetOrchestrationHistoryAsync("large-0", null);
        Assert.True(history.Length > 3 * InputChars, "the history shown to a client carries the activity inputs");
    }

    [Fact]
    public void SerializeLean_OfScheduledCall_KeepsTheInputApartAndWithPayloadPutsItBack()
    {
        var scheduled = new TaskScheduledEvent(5) { Name = "Length", Input = "\"big input\"" };

        var json = EventSerializer.SerializeLean(scheduled, out var payload);
        var read = (TaskScheduledEvent)EventSerializer.DeserializeEvent(json);

        Assert.Equal("\"big input\"", payload);
        Assert.DoesNotContain("big input", json, StringComparison.Ordinal);
        Assert.Null(read.Input);
        Assert.Equal(("Length", 5), (read.Name, read.EventId));
        Assert.Equal("\"big input\"", ((TaskScheduledEvent)EventSerializer.WithPayload(read, payload)).Input);
    }

    [Fact]
    public void HistoryCache_OverItsBytes_EvictsTheLeastRecentlyUsedAndKeepsTheRest()
    {
        var cache = new HistoryCache(capacityBytes: 1_000);
        cache.Set("a", "x", [], 300);
        cache.Set("b", "x", [], 300);
        cache.Set("c", "x", [], 300);
        Assert.NotNull(cache.TryGet("a", "x", 0));

        cache.Set("d", "x", [], 300);

        Assert.NotNull(cache.TryGet("a", "x", 0));
        Assert.Null(cache.TryGet("b", "x", 0));
        Assert.NotNull(cache.TryGet("d", "x", 0));
        Assert.InRange(cache.Bytes, 0, 1_000);
    }

    [Fact]
    public void HistoryCache_EntryLargerThanItAll_IsNotKept()
    {
        var cache = new HistoryCache(capacityBytes: 1_000);
        cache.Set("small", "x", [], 100);

        cache.Set("huge", "x", [], 5_000);

        Assert.Null(cache.TryGet("huge", "x", 0));
        Assert.NotNull(cache.TryGet("small", "x", 0));
    }

    private static Npgsql.NpgsqlParameter<short> Type(EventType type) => new("t", (short)type);

    internal sealed class SumLengths : TaskOrchestration<int, int>
    {
        public override async Task<int> RunTask(OrchestrationContext context, int calls)
        {
            var total = 0;
            for (var i = 0; i < calls; i++)
            {
                total += await context.ScheduleTask<int>(typeof(Length), new string((char)('a' + i), InputChars));
            }

            return total;
        }
    }

    internal sealed class Length : TaskActivity<string, int>
    {
        protected override int Execute(TaskContext context, string input) => input.Length;
    }
}
