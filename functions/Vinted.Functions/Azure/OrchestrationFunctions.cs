using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Vinted.Lake;
using Vinted.Orchestration.Timer;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Models;
using Vinted.Pipeline.Orchestrators;
using Vinted.PriceModel.Scoring;
using Vinted.PriceModel.Training;
using Vinted.Warehouse.Mart;
using Vinted.Warehouse.Normalized;
using Vinted.Warehouse.Quality;
using Vinted.Warehouse.Staging;
using Vinted.Warehouse.Vanished;

namespace Vinted.Functions.Azure;

/// <summary>
/// The pipeline's orchestrators and activities (<see cref="Pipeline.PipelineTasks"/>) as Durable functions, each named
/// after its class: the orchestrators call activities and sub-orchestrators by <c>nameof(Class)</c>. Every function
/// only hands over to the class; FunctionMetadataTests checks that none is missing.
/// </summary>
public static class OrchestrationFunctions
{
    [Function(nameof(DailyPipeline))]
    public static Task<RunReport> DailyPipelineOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new DailyPipeline().RunAsync(context, context.GetInput<PipelineInput>() ?? new PipelineInput());

    [Function(nameof(SearchIngestion))]
    public static Task<SearchResult> SearchIngestionOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SearchIngestion().RunAsync(context, context.GetInput<SearchRequest>()!);

    [Function(nameof(Backfill))]
    public static Task<BackfillReport> BackfillOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new Backfill().RunAsync(context, context.GetInput<BackfillInput>()!);

    [Function(nameof(DigestRun))]
    public static Task<DigestReport> DigestRunOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new DigestRun().RunAsync(context, context.GetInput<DigestInput>()!);

    [Function(nameof(TrainModel))]
    public static Task<IReadOnlyList<TrainOutcome>> TrainModelOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new TrainModel().RunAsync(context, context.GetInput<TrainRequest>());

    /// <summary>The record of a timer slot that found the previous run still going (see <see cref="SlotStarter"/>).</summary>
    [Function(nameof(SkippedSlot))]
    public static Task<string> SkippedSlotOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SkippedSlot().RunAsync(context, context.GetInput<SkippedSlotInput>()!);

    // instanceId is the orchestration's id, from the activity trigger's binding data.
    [Function(nameof(PlanRun))]
    public static Task<RunPlan> PlanRunActivity([ActivityTrigger] PipelineInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<PlanRun, PipelineInput, RunPlan>(input, instanceId, context);

    [Function(nameof(FetchPage))]
    public static Task<FetchResult> FetchPageActivity([ActivityTrigger] PageRequest input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<FetchPage, PageRequest, FetchResult>(input, instanceId, context);

    [Function(nameof(FetchPages))]
    public static Task<FetchResult[]> FetchPagesActivity([ActivityTrigger] PageRangeRequest input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<FetchPages, PageRangeRequest, FetchResult[]>(input, instanceId, context);

    [Function(nameof(RecordSearchPages))]
    public static Task<string> RecordSearchPagesActivity([ActivityTrigger] SearchPagesInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<RecordSearchPages, SearchPagesInput, string>(input, instanceId, context);

    [Function(nameof(WriteManifest))]
    public static Task<ManifestResult> WriteManifestActivity([ActivityTrigger] ManifestInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<WriteManifest, ManifestInput, ManifestResult>(input, instanceId, context);

    [Function(nameof(LoadStaging))]
    public static Task<StageResult> LoadStagingActivity([ActivityTrigger] WarehouseInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<LoadStaging, WarehouseInput, StageResult>(input, instanceId, context);

    [Function(nameof(Normalize))]
    public static Task<NormalizeResult> NormalizeActivity([ActivityTrigger] WarehouseInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<Normalize, WarehouseInput, NormalizeResult>(input, instanceId, context);

    [Function(nameof(BuildMart))]
    public static Task<MartResult> BuildMartActivity([ActivityTrigger] WarehouseInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<BuildMart, WarehouseInput, MartResult>(input, instanceId, context);

    [Function(nameof(WriteLake))]
    public static Task<LakeResult> WriteLakeActivity([ActivityTrigger] LakeInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<WriteLake, LakeInput, LakeResult>(input, instanceId, context);

    [Function(nameof(PlanVanishedLookups))]
    public static Task<VanishedLookupPlan> PlanVanishedLookupsActivity([ActivityTrigger] WarehouseInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<PlanVanishedLookups, WarehouseInput, VanishedLookupPlan>(input, instanceId, context);

    [Function(nameof(LookUpVanished))]
    public static Task<VanishedBatchResult> LookUpVanishedActivity([ActivityTrigger] VanishedBatch input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<LookUpVanished, VanishedBatch, VanishedBatchResult>(input, instanceId, context);

    [Function(nameof(ApplyVanishedOutcomes))]
    public static Task<VanishedSplit> ApplyVanishedOutcomesActivity([ActivityTrigger] WarehouseInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<ApplyVanishedOutcomes, WarehouseInput, VanishedSplit>(input, instanceId, context);

    [Function(nameof(PlanBackfill))]
    public static Task<BackfillPlan> PlanBackfillActivity([ActivityTrigger] BackfillInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<PlanBackfill, BackfillInput, BackfillPlan>(input, instanceId, context);

    [Function(nameof(ReadQualityResults))]
    public static Task<IReadOnlyList<CheckResult>> ReadQualityResultsActivity([ActivityTrigger] WarehouseInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<ReadQualityResults, WarehouseInput, IReadOnlyList<CheckResult>>(input, instanceId, context);

    [Function(nameof(TrainPriceModel))]
    public static Task<IReadOnlyList<TrainOutcome>> TrainPriceModelActivity([ActivityTrigger] TrainRequest input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<TrainPriceModel, TrainRequest, IReadOnlyList<TrainOutcome>>(input, instanceId, context);

    [Function(nameof(ScorePrices))]
    public static Task<ScoreResult> ScorePricesActivity([ActivityTrigger] WarehouseInput input, string instanceId, FunctionContext context) =>
        ActivityInvoker.RunAsync<ScorePrices, WarehouseInput, ScoreResult>(input, instanceId, context);
}
