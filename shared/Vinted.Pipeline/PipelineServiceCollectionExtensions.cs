using Microsoft.Extensions.DependencyInjection;
using Vinted.Api;
using Vinted.Settings;
using Vinted.Lake;
using Vinted.Pipeline.Activities;
using Vinted.Pipeline.Options;
using Vinted.Pipeline.Orchestrators;
using Vinted.Pipeline.Retries;
using Vinted.PriceModel;
using Vinted.RawZone;
using Vinted.Warehouse;

namespace Vinted.Pipeline;

/// <summary>Registers what the pipeline's activities use; a host then registers <see cref="PipelineTasks"/> with its engine.</summary>
public static class PipelineServiceCollectionExtensions
{
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddVintedClient();
        services.AddRawZone();
        services.AddWarehouse();
        services.AddLake();
        services.AddPriceModel();
        services.AddSettings<IngestionOptions>(IngestionOptions.Section);
        services.AddSettings<RetrySettings>(RetrySettings.Section);
        services.AddSettings<VanishedLookupOptions>(VanishedLookupOptions.Section);
        return services;
    }
}

/// <summary>The pipeline's orchestrators and activities, for a host to register under their class names.</summary>
public static class PipelineTasks
{
    public static IReadOnlyList<Type> Orchestrators { get; } = [typeof(DailyPipeline), typeof(SearchIngestion), typeof(Backfill), typeof(DigestRun), typeof(TrainModel)];

    public static IReadOnlyList<Type> Activities { get; } =
        [typeof(PlanRun), typeof(FetchPage), typeof(FetchPages), typeof(RecordSearchPages), typeof(WriteManifest), typeof(LoadStaging), typeof(Normalize), typeof(BuildMart), typeof(ReadQualityResults), typeof(PlanBackfill), typeof(WriteLake),
            typeof(TrainPriceModel), typeof(ScorePrices), typeof(PlanVanishedLookups), typeof(LookUpVanished), typeof(ApplyVanishedOutcomes)];
}
