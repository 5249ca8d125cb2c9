using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Vinted.Orchestration.Engine;

/// <summary>
/// Runs every registered orchestrator and activity on DurableTask.Core's <see cref="TaskHubWorker"/> over the
/// engine's store, for as long as the host runs. Several hosts may run it over one store: the provider shares the
/// control-queue partitions among them and hands a dead host's work to the others.
/// </summary>
internal sealed class DurableTaskEngine(EngineStore store, TaskRegistry registry, IServiceProvider services, ILoggerFactory loggerFactory) : IHostedService
{
    private TaskHubWorker? _worker;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.CreateIfNotExistsAsync();
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = EngineJson.Converter }, loggerFactory);
        _worker = new TaskHubWorker(store.Service, loggerFactory)
        {
            // The orchestrators' retry handlers read the failure's type and message; without this they get neither.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        _worker.AddTaskOrchestrations(registry.Orchestrators.Select(o => ShimCreator<TaskOrchestration>.Orchestration(o.Key, o.Value, shims, services)).ToArray());
        _worker.AddTaskActivities(registry.Activities.Select(a => ShimCreator<TaskActivity>.Activity(a.Key, a.Value, shims, services)).ToArray());
        await _worker.StartAsync();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_worker is not null)
        {
            // Not forced: running work items finish or are abandoned cleanly and come back to another host.
            await _worker.StopAsync(isForced: false);
        }
    }
}
