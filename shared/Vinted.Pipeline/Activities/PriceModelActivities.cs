using Microsoft.DurableTask;
using Vinted.PriceModel.Scoring;
using Vinted.PriceModel.Training;

namespace Vinted.Pipeline.Activities;

/// <summary>
/// Trains, records, registers and (when it beats the baseline) promotes a price model per currency. Run ids are the
/// orchestration's instance id and a suffix of this execution: a retried execution records new runs, never a clash.
/// </summary>
public sealed class TrainPriceModel(TrainingService training) : TaskActivity<TrainRequest, IReadOnlyList<TrainOutcome>>
{
    public override Task<IReadOnlyList<TrainOutcome>> RunAsync(TaskActivityContext context, TrainRequest input) =>
        BulkStage.RunAsync(() => training.TrainAsync($"{context.InstanceId}-{Guid.NewGuid().ToString("N")[..8]}", input, CancellationToken.None));
}

/// <summary>Scores the run's day into the mart with the production price models; idempotent per day.</summary>
public sealed class ScorePrices(PriceScorer scorer) : TaskActivity<WarehouseInput, ScoreResult>
{
    public override Task<ScoreResult> RunAsync(TaskActivityContext context, WarehouseInput input) =>
        BulkStage.RunAsync(() => scorer.ScoreAsync(input.Date, CancellationToken.None));
}
