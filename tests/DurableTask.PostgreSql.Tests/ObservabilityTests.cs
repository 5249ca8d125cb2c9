using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using DurableTask.Core;
using DurableTask.PostgreSql.Tests.Infrastructure;
using DurableTask.PostgreSql.Tests.Orchestrations;

namespace DurableTask.PostgreSql.Tests;

/// <summary>Issue 23's observability list: checkpoint latency and a possible second execution, in the logs and the metrics.</summary>
public sealed class ObservabilityTests(HubSchema schema) : IClassFixture<HubSchema>
{
    [Fact]
    public async Task Checkpoint_OfAnOrchestration_IsMeasuredInTheHistogramAndLogged()
    {
        using var measurements = new Measurements(schema.Name, "durabletask.postgresql.checkpoint.duration");
        await using var hub = await TestHub.StartAsync(schema, [typeof(CallEcho)], [typeof(Echo)]);

        var instance = await hub.Client.CreateOrchestrationInstanceAsync(typeof(CallEcho), "measured", "x");
        Assert.Equal(OrchestrationStatus.Completed, (await hub.WaitAsync(instance)).OrchestrationStatus);

        // Two turns at least: the start (schedules the call) and the result (completes).
        Assert.True(measurements.Values.Count >= 2, $"{measurements.Values.Count} checkpoint measurements");
        Assert.All(measurements.Values, v => Assert.True(v >= 0));
        Assert.Contains(hub.Logs.Entries, e => e.Id.Id is 18 or 19 && e.Message.Contains("measured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ActivityCall_DeliveredAgain_IsLoggedAndCountedAsAPossibleSecondExecution()
    {
        using var measurements = new Measurements(schema.Name, "durabletask.postgresql.redeliveries");

        // A first host takes the call and hangs in it; then its lease is let go (as if it had expired) and a second host
        // takes the call again.
        var hanging = new NameValueObjectCreator<TaskActivity>(NameVersionHelper.GetDefaultName(typeof(Echo)), "", new Hangs());
        await using (var first = await TestHub.StartAsync(schema, [typeof(CallEcho)], activityCreators: [hanging]))
        {
            await first.Client.CreateOrchestrationInstanceAsync(typeof(CallEcho), "redelivered", "x");
            await schema.WaitForCountAsync("select count(*) from activity_tasks where dequeue_count = 1", 1, "the call was not taken in time");
        }

        await schema.ExecuteAsync("update activity_tasks set locked_until = null, lock_token = null, lock_owner = null");
        await using var second = await TestHub.StartAsync(schema, [typeof(CallEcho)], [typeof(Echo)], recreate: false);
        var state = await second.WaitAsync(new OrchestrationInstance { InstanceId = "redelivered" });

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Contains(second.Logs.Entries, e => e.Id.Id == 20 && e.Message.Contains("redelivered", StringComparison.Ordinal) && e.Message.Contains("delivery 2", StringComparison.Ordinal));
        Assert.Equal(1, measurements.Values.Sum());
    }

    /// <summary>The measurements of one instrument of the provider's meter for one hub's schema.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<double> _values = new();

        public Measurements(string schema, string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "DurableTask.PostgreSql" && instrument.Name == instrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };

            void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
            {
                // Other test classes' hubs publish the same instruments: only this schema's measurements count.
                foreach (var tag in tags)
                {
                    if (tag.Key == "schema" && Equals(tag.Value, schema))
                    {
                        _values.Enqueue(value);
                    }
                }
            }

            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Record(value, tags));
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(value, tags));
            _listener.Start();
        }

        public IReadOnlyCollection<double> Values => _values;

        public void Dispose() => _listener.Dispose();
    }

    internal sealed class CallEcho : TaskOrchestration<string, string>
    {
        public override Task<string> RunTask(OrchestrationContext context, string input) => context.ScheduleTask<string>(typeof(Echo), input);
    }

    internal sealed class Echo : TaskActivity<string, string>
    {
        protected override string Execute(TaskContext context, string input) => input;
    }
}
