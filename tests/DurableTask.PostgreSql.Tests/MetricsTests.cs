using System.Diagnostics.Metrics;
using DurableTask.Core;
using DurableTask.PostgreSql.Tests.Infrastructure;

namespace DurableTask.PostgreSql.Tests;

/// <summary>The provider's metrics (meter DurableTask.PostgreSql) as an OpenTelemetry exporter would read them.</summary>
public sealed class MetricsTests(HubSchema schema) : IClassFixture<HubSchema>
{
    [Fact]
    public async Task OrchestrationQueueDepth_WithStartsWaiting_IsReportedForTheHubsSchema()
    {
        await using var hub = await TestHub.StartAsync(schema, [typeof(Noop)], startWorker: false);
        for (var i = 0; i < 3; i++)
        {
            await hub.Client.CreateOrchestrationInstanceAsync(typeof(Noop), $"waiting-{i}", "");
        }

        long? depth = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "DurableTask.PostgreSql" && instrument.Name == "durabletask.postgresql.orchestration_queue.depth")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            // Other test classes' hubs publish the same instrument: only this schema's measurement counts.
            foreach (var tag in tags)
            {
                if (tag.Key == "schema" && Equals(tag.Value, schema.Name))
                {
                    depth = value;
                }
            }
        });
        listener.Start();

        // The service samples its queues while it runs (no worker: nothing takes the starts).
        await hub.Service.StartAsync();
        var deadline = DateTime.UtcNow + TestHub.Patience;
        while (depth != 3 && DateTime.UtcNow < deadline)
        {
            listener.RecordObservableInstruments();
            await Task.Delay(200);
        }

        await hub.Service.StopAsync();
        Assert.Equal(3, depth);
    }

    internal sealed class Noop : TaskOrchestration<string, string>
    {
        public override Task<string> RunTask(OrchestrationContext context, string input) => Task.FromResult(input);
    }
}
