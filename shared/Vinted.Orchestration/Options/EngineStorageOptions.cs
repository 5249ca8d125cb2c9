using System.ComponentModel.DataAnnotations;

namespace Vinted.Orchestration.Options;

/// <summary>
/// The engine's storage account, under the top-level key Azure Functions uses (<c>AzureWebJobsStorage</c>), so one
/// local.settings.json serves both hosts: <c>UseDevelopmentStorage=true</c> or a full connection string.
/// </summary>
public sealed class EngineStorageOptions
{
    /// <summary>Bound from the configuration's root.</summary>
    public const string Section = "";

    [Required]
    [Vinted.Hosting.Validation.StorageConnectionString]
    public string AzureWebJobsStorage { get; set; } = "";
}
