using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Orchestration.Logging;
using Vinted.Orchestration.Options;
using Vinted.Orchestration.Storage;

namespace Vinted.Orchestration.Execution;

/// <summary>
/// One execution of an orchestrator: replay it against the ledger under the instance's row lock, record
/// what it scheduled or how it ended, then dispatch the new steps.
/// </summary>
internal sealed class OrchestratorJob(
    LedgerStore store,
    Dispatcher dispatcher,
    OrchestrationRegistry registry,
    IServiceProvider services,
    IOptions<OrchestrationOptions> options,
    ILogger<OrchestratorJob> logger)
{
    // Infrastructure failures (PostgreSQL unreachable) are retried by Hangfire; orchestrator failures are not
    // exceptions here: they are recorded as the instance's outcome.
    [AutomaticRetry(Attempts = 20, DelaysInSeconds = [1, 2, 3, 5, 5, 10, 10, 15, 15, 30, 30, 30, 60, 60, 60, 60, 60, 60, 60, 60])]
    public async Task RunAsync(string instanceId, CancellationToken cancellationToken)
    {
        ExecutionOutcome outcome;
        await using (var scope = await store.BeginExecutionAsync(instanceId, cancellationToken))
        {
            if (scope is null)
            {
                return;
            }

            outcome = Execute(scope);
            await store.SaveExecutionAsync(scope, outcome, cancellationToken);
            if (outcome.Status.IsTerminal())
            {
                logger.InstanceFinished(instanceId, outcome.Status, scope.Instance.Executions + 1);
            }
        }

        // Dispatch from the ledger, not from this execution's list: it also picks up steps that an earlier
        // execution recorded and did not live to dispatch.
        var undispatched = await store.UndispatchedAsync(instanceId, store.Now, int.MaxValue, cancellationToken);
        await dispatcher.DispatchAsync(undispatched, cancellationToken);
        logger.ExecutionScheduled(instanceId, outcome.NewSteps.Count);
    }

    private ExecutionOutcome Execute(ExecutionScope scope)
    {
        var instance = scope.Instance;
        var json = OrchestrationJson.Options;
        var context = new TaskOrchestrationContext(instance, scope.Steps, json, registry.QueueOf, options.Value.DefaultRetry);
        Task<object?> run;
        try
        {
            var orchestrator = (ITaskOrchestrator)services.GetRequiredService(registry.OrchestratorType(instance.Name));
            var input = instance.Input is null ? null : JsonSerializer.Deserialize(instance.Input, orchestrator.InputType, json);
            run = orchestrator.RunAsync(context, input);
        }
        catch (Exception e)
        {
            run = Task.FromException<object?>(e);
        }

        if (context.Violation is null && !run.IsCompleted && context.PendingCalls == 0)
        {
            // Nothing recorded can ever complete what it awaits: a Task.Delay, real I/O, a lock.
            return Fail(context, new NonDeterministicOrchestrationException(
                "The orchestrator awaited something other than an activity call. Orchestrators may only await activities (and combinations of them)."));
        }

        if (context.Violation is { } violation)
        {
            logger.NonDeterministic(instance.Id, violation);
            return Fail(context, violation);
        }

        if (run.IsCompletedSuccessfully)
        {
            return new(OrchestrationRuntimeStatus.Completed, [], JsonSerializer.Serialize(run.Result, json), null, context.CustomStatus);
        }

        if (run.IsFaulted)
        {
            return Fail(context, run.Exception!.InnerException!);
        }

        var newSteps = context.NewSteps
            .Select(s => new NewStepRow(s.Seq, s.Name, s.Queue, s.InputJson, s.InputHash, JsonSerializer.Serialize(s.Retry, json)))
            .ToList();
        return new(OrchestrationRuntimeStatus.Running, newSteps, null, null, context.CustomStatus);
    }

    private static ExecutionOutcome Fail(TaskOrchestrationContext context, Exception error) =>
        new(OrchestrationRuntimeStatus.Failed, [], null, $"{error.GetType().Name}: {error.Message}", context.CustomStatus);
}
