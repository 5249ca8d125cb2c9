using Vinted.Testing;

namespace Vinted.Warehouse.Tests;

/// <summary>Ingests and runs the whole warehouse pipeline for the two days once for the ground-truth test class.</summary>
public sealed class GroundTruthPipelineFixture : IAsyncLifetime
{
    public WarehouseTestBed Bed { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Bed = await WarehouseTestBed.CreateAsync(nameof(WarehouseGroundTruthTests));
        await Bed.IngestAsync(WarehouseTestBed.Day1);
        await Bed.IngestAsync(WarehouseTestBed.Day2);
        await Bed.RunPipelineAsync(WarehouseTestBed.Day1);
        await Bed.RunPipelineAsync(WarehouseTestBed.Day2);
    }

    public async Task DisposeAsync() => await Bed.DisposeAsync();
}
