using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vinted.Orchestration.Logging;
using Vinted.Orchestration.Storage;

namespace Vinted.Orchestration.Execution;

/// <summary>One attempt of one step: run the activity, then record its result, a retry or its failure.</summary>
internal sealed class ActivityJob(
    LedgerStore store,
    Dispatcher dispatcher,
    OrchestrationRegistry registry,
    IServiceProvider services,
    ILogger<ActivityJob> logger)
{
    [AutomaticRetry(Attempts = 20, DelaysInSeconds = [1, 2, 3, 5, 5, 10, 10, 15, 15, 30, 30, 30, 60, 60, 60, 60, 60, 60, 60, 60])]
    public async Task RunAsync(string instanceId, int seq, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        // Hangfire keeps schedule times to the second and may start a retry up to a second early; the
        // retry policy's interval is a promise, so wait out the remainder.
        if (notBefore - store.Now is { Ticks: > 0 } early)
        {
            await Task.Delay(early, cancellationToken);
        }

        var step = await store.StartAttemptAsync(instanceId, seq, cancellationToken);
        if (step is null)
        {
            // A duplicate or late job. If the job that finished the step died before waking the
            // orchestrator, this is where the wake-up happens.
            if (await store.WakePendingAsync(instanceId, cancellationToken))
            {
                dispatcher.Wake(instanceId);
            }

            return;
        }

        var json = OrchestrationJson.Options;
        string? output;
        try
        {
            var activity = (ITaskActivity)services.GetRequiredService(registry.ActivityType(step.Name));
            var input = step.Input is null ? null : JsonSerializer.Deserialize(step.Input, activity.InputType, json);
            var result = await activity.RunAsync(new TaskActivityContext(instanceId, seq, step.Name, step.Attempts), input, cancellationToken);
            output = JsonSerializer.Serialize(result, json);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the host is stopping: Hangfire hands the job to another worker
        }
        catch (Exception e)
        {
            await HandleFailureAsync(instanceId, step, e, cancellationToken);
            return;
        }

        if (await store.FinishStepAsync(instanceId, seq, step.Attempts, output, null, cancellationToken))
        {
            dispatcher.Wake(instanceId);
        }
    }

    private async Task HandleFailureAsync(string instanceId, StepRecord step, Exception error, CancellationToken cancellationToken)
    {
        var policy = JsonSerializer.Deserialize<RetryPolicy>(step.Retry, OrchestrationJson.Options)!;
        var message = $"{error.GetType().Name}: {error.Message}";
        var sinceFirst = store.Now - (step.StartedAt ?? store.Now);
        if (policy.ShouldRetry(step.Attempts, error, sinceFirst))
        {
            var delay = policy.DelayAfter(step.Attempts);
            logger.ActivityRetrying(step.Name, instanceId, step.Seq, step.Attempts, delay, error);
            var at = store.Now + delay;
            dispatcher.Retry(new StepRef(instanceId, step.Seq, step.Queue), at);
            await store.RecordRetryAsync(instanceId, step.Seq, step.Attempts, message, at, cancellationToken);
            return;
        }

        logger.ActivityFailed(step.Name, instanceId, step.Seq, step.Attempts, error);
        if (await store.FinishStepAsync(instanceId, step.Seq, step.Attempts, null, message, cancellationToken))
        {
            dispatcher.Wake(instanceId);
        }
    }
}
