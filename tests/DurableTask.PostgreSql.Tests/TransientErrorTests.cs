using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.PostgreSql.Tests.Infrastructure;
using Npgsql;

namespace DurableTask.PostgreSql.Tests;

/// <summary>Issue 23, defect 4: database blips (terminated backends) cost retries inside the backend, never a second execution.</summary>
public sealed class TransientErrorTests(HubSchema schema) : IClassFixture<HubSchema>
{
    private const int Calls = 80;

    private static readonly ConcurrentDictionary<string, int> Runs = new();

    [Fact]
    public async Task FanOut_WhileTheProvidersBackendsAreTerminated_CompletesAndRunsEachCallOnce()
    {
        // Only the provider's connections carry this name, so the test's own queries are never cut.
        var application = $"blip-{schema.Name}";
        await using var hub = await TestHub.StartAsync(
            schema,
            [typeof(FanOut)],
            [typeof(CountRun)],
            configure: s => s with
            {
                ConnectionString = new NpgsqlConnectionStringBuilder(s.ConnectionString) { ApplicationName = application }.ConnectionString,
                // Longer than the blips last: a result's write is retried while its lease holds, so it outlasts them.
                LeaseDuration = TimeSpan.FromSeconds(25),
                MaxConcurrentActivities = 4,
                ActivityBatchSize = 4,
                CompletionBatchSize = 8,
            });

        var instance = await hub.Client.CreateOrchestrationInstanceAsync(typeof(FanOut), "blips", schema.Name);
        var terminated = 0L;
        var until = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < until
            && (await hub.Client.GetOrchestrationStateAsync(instance.InstanceId))?.OrchestrationStatus is not OrchestrationStatus.Completed)
        {
            terminated += await TestDatabase.ScalarAsync<long>(
                "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity where application_name = @application) t",
                new NpgsqlParameter<string>("application", application));
            await Task.Delay(100);
        }

        var state = await hub.WaitAsync(instance);

        Assert.True(terminated > 0, "no backend of the provider was terminated: the test proved nothing");
        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal($"{Calls * (Calls - 1) / 2}", state.Output);
        Assert.Contains(hub.Logs.Entries, e => e.Id.Id == 12);
        var twice = Enumerable.Range(0, Calls).Where(i => Runs.GetValueOrDefault($"{schema.Name}:{i}") != 1).ToList();
        Assert.True(twice.Count == 0, $"calls not run exactly once: {string.Join(", ", twice.Select(i => $"{i} ran {Runs.GetValueOrDefault($"{schema.Name}:{i}")}x"))}");
    }

    /// <param name="failures">
    /// 2 fails within one write's first attempts; 12 outlasts five attempts however the results are batched, so the
    /// write must go on while the lease holds (it gave up before, and the dispatcher ran the call again).
    /// </param>
    [Theory]
    [InlineData(2)]
    [InlineData(12)]
    public async Task ActivityResults_WhoseWriteFailsWithSerializationFailures_AreRetriedAndNoCallRunsTwice(int failures)
    {
        await using var hub = await TestHub.StartAsync(schema, [typeof(FanOut3)], [typeof(CountRun)]);

        // The first writes of an activity result fail as a serialization failure would (a sequence counts across the
        // rolled-back transactions).
        await schema.ExecuteAsync(
            $"""
            drop trigger if exists blip on orchestration_messages;
            drop sequence if exists blips;
            create sequence blips;
            create or replace function blip() returns trigger language plpgsql as $$
            begin
                if nextval('blips') <= {failures} then
                    raise exception 'forced serialization failure' using errcode = '40001';
                end if;
                return new;
            end $$;
            create trigger blip before insert on orchestration_messages for each row when (new.event_type = 5) execute function blip();
            """);
        var input = $"{schema.Name}-forced{failures}";
        var instance = await hub.Client.CreateOrchestrationInstanceAsync(typeof(FanOut3), input, input);
        var state = await hub.WaitAsync(instance);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal("3", state.Output);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(1, Runs.GetValueOrDefault($"{input}:{i}")));
        Assert.Equal(failures, hub.Logs.Entries.Count(e => e.Id.Id == 12 && e.Message.Contains("activity completion", StringComparison.Ordinal)));
    }

    internal sealed class FanOut3 : TaskOrchestration<int, string>
    {
        public override async Task<int> RunTask(OrchestrationContext context, string input) =>
            (await Task.WhenAll(Enumerable.Range(0, 3).Select(i => context.ScheduleTask<int>(typeof(CountRun), $"{input}:{i}")))).Sum();
    }

    internal sealed class FanOut : TaskOrchestration<int, string>
    {
        public override async Task<int> RunTask(OrchestrationContext context, string input)
        {
            var calls = Enumerable.Range(0, Calls).Select(i => context.ScheduleTask<int>(typeof(CountRun), $"{input}:{i}"));
            return (await Task.WhenAll(calls)).Sum();
        }
    }

    /// <summary>Counts its runs per call: the side effect a duplicate execution would repeat.</summary>
    internal sealed class CountRun : AsyncTaskActivity<string, int>
    {
        protected override async Task<int> ExecuteAsync(TaskContext context, string input)
        {
            Runs.AddOrUpdate(input, 1, (_, n) => n + 1);

            // Long enough that the run spans many terminations.
            await Task.Delay(200);
            return int.Parse(input[(input.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
