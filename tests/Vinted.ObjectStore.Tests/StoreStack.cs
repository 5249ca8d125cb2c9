using Vinted.Testing;

namespace Vinted.ObjectStore.Tests;

/// <summary>The local stack's S3 server and Azurite as object stores (settings: see <see cref="StackSettings"/>).</summary>
public static class StoreStack
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Settings = new(Load);

    /// <summary>The stack's S3 bucket under a prefix of the caller's.</summary>
    public static ObjectStoreOptions S3(string prefix) => new()
    {
        Provider = ObjectStoreProvider.S3,
        ServiceUrl = Settings.Value["S3__ServiceUrl"],
        Bucket = Settings.Value["S3__Bucket"],
        AccessKey = Settings.Value["S3__AccessKey"],
        SecretKey = Settings.Value["S3__SecretKey"],
        Prefix = prefix,
    };

    /// <summary>A container of Azurite's blob service (the engine's storage account) under a prefix of the caller's.</summary>
    public static ObjectStoreOptions Blob(string prefix, string container = "vinted-tests") => new()
    {
        Provider = ObjectStoreProvider.AzureBlob,
        ConnectionString = Settings.Value["AzureWebJobsStorage"],
        Bucket = container,
        Prefix = prefix,
    };

    private static Dictionary<string, string> Load() =>
        StackSettings.Load(["S3__ServiceUrl", "S3__Bucket", "S3__AccessKey", "S3__SecretKey", "AzureWebJobsStorage"]);
}
