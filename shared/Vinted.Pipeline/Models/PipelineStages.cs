using Vinted.Pipeline.Activities;
using Vinted.Warehouse.Quality;

namespace Vinted.Pipeline.Models;

/// <summary>
/// The stages of a run, by the names the run report (<see cref="RunReport.StageSeconds"/>), the progress status, the
/// command line and the run page use; and the stage each activity belongs to.
/// </summary>
public static class PipelineStages
{
    public const string Plan = "plan";
    public const string Ingestion = "ingestion";
    public const string Staging = WarehouseStage.Staging;
    public const string Normalize = WarehouseStage.Normalize;
    public const string Mart = WarehouseStage.Mart;
    public const string Vanished = "vanished";
    public const string Lake = "lake";
    public const string Prices = "prices";
    public const string Quality = "quality";

    /// <summary>The stage <paramref name="activity"/> belongs to; an activity of no stage is a stage of its own.</summary>
    public static string Of(string activity) => activity switch
    {
        nameof(PlanRun) => Plan,
        nameof(FetchPage) or nameof(FetchPages) or nameof(RecordSearchPages) or nameof(WriteManifest) => Ingestion,
        nameof(LoadStaging) => Staging,
        nameof(Normalize) => Normalize,
        nameof(BuildMart) => Mart,
        nameof(PlanVanishedLookups) or nameof(LookUpVanished) or nameof(ApplyVanishedOutcomes) => Vanished,
        nameof(WriteLake) => Lake,
        nameof(ScorePrices) => Prices,
        nameof(ReadQualityResults) => Quality,
        _ => activity,
    };
}
