namespace Vinted.Orchestration.Options;

/// <summary>
/// Where the engine's state lives, under the keys the hosts already use: <c>AzureWebJobsStorage</c> (top level, as in
/// Azure Functions) for the Azure Storage backend, <c>ConnectionStrings:DurableTask</c> (else the warehouse's
/// <c>ConnectionStrings:Warehouse</c>) for the PostgreSQL backend. Which one is required depends on
/// <see cref="DurableTaskEngineOptions.Backend"/>; <see cref="Engine.EngineStore"/> names the missing key.
/// </summary>
public sealed class EngineStorageOptions
{
    /// <summary>Bound from the configuration's root.</summary>
    public const string Section = "";

    /// <summary>Checked in form when present; whether it is required depends on the backend.</summary>
    [Vinted.Settings.Validation.StorageConnectionString]
    public string? AzureWebJobsStorage { get; set; }

    public Dictionary<string, string> ConnectionStrings { get; set; } = [];
}
