using Microsoft.DurableTask;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Retries;
using Vinted.PriceModel.Training;

namespace Vinted.Pipeline.Orchestrators;

/// <summary>
/// Trains the price models: started weekly by the model's timer, by <c>./vinted train</c> and over HTTP
/// (<c>POST /api/orchestrators/TrainModel</c>, body a <see cref="TrainRequest"/>). One activity does the work: a training
/// is one read of the mart and one fit per currency.
/// </summary>
public sealed class TrainModel : TaskOrchestrator<TrainRequest?, IReadOnlyList<TrainOutcome>>
{
    public override Task<IReadOnlyList<TrainOutcome>> RunAsync(TaskOrchestrationContext context, TrainRequest? input) =>
        context.CallActivityAsync<IReadOnlyList<TrainOutcome>>(nameof(TrainPriceModel), input ?? new TrainRequest(), ActivityRetry.Options(ActivityRetry.Defaults, "train"));
}
