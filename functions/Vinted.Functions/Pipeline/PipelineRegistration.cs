using Vinted.Api;
using Vinted.Functions.Ingestion;
using Vinted.Functions.Warehouse;
using Vinted.Hosting;
using Vinted.Orchestration;
using Vinted.RawZone;
using Vinted.Warehouse;

namespace Vinted.Functions.Pipeline;

/// <summary>Registers the pipeline: its orchestrator, its activities and what they use.</summary>
public static class PipelineRegistration
{
    /// <summary>Queue of page fetches: its own workers, so a large fan-out never starves the warehouse.</summary>
    public const string FetchQueue = "fetch";

    /// <summary>Queue of the warehouse activities.</summary>
    public const string WarehouseQueue = "warehouse";

    public static OrchestrationBuilder AddPipeline(this OrchestrationBuilder builder)
    {
        builder.Services.AddVintedClient();
        builder.Services.AddRawZone();
        builder.Services.AddWarehouse();
        builder.Services.AddSettings<IngestionOptions>(IngestionOptions.Section);
        return builder
            .AddOrchestrator<DailyPipeline>()
            .AddActivity<PlanRun>()
            .AddActivity<FetchPage>(queue: FetchQueue)
            .AddActivity<WriteManifest>()
            .AddActivity<LoadStaging>(queue: WarehouseQueue)
            .AddActivity<Normalize>(queue: WarehouseQueue)
            .AddActivity<BuildMart>(queue: WarehouseQueue)
            .AddActivity<ReadQualityResults>();
    }
}
