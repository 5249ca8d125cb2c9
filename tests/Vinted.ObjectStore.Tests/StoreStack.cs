using System.Diagnostics;
using Vinted.ObjectStore;

namespace Vinted.ObjectStore.Tests;

/// <summary>
/// The local stack's S3 server and Azurite, from the environment (`./vinted test`, `source .local/stack.env`) or, run from
/// an IDE, from the stack this test starts with infra/local/stack.sh.
/// </summary>
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

    private static Dictionary<string, string> Load()
    {
        string[] keys = ["S3__ServiceUrl", "S3__Bucket", "S3__AccessKey", "S3__SecretKey", "AzureWebJobsStorage"];
        if (keys.All(k => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(k))))
        {
            return keys.ToDictionary(k => k, k => Environment.GetEnvironmentVariable(k)!);
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Vinted.sln")))
        {
            root = root.Parent;
        }

        var repo = root?.FullName ?? throw new InvalidOperationException("Vinted.sln not found above the test assembly.");
        using (var up = Process.Start(new ProcessStartInfo("bash", [Path.Combine(repo, "infra", "local", "stack.sh"), "up"]) { RedirectStandardError = true })!)
        {
            var log = up.StandardError.ReadToEnd();
            up.WaitForExit();
            if (up.ExitCode != 0)
            {
                throw new InvalidOperationException($"infra/local/stack.sh up failed:\n{log}");
            }
        }

        var state = Environment.GetEnvironmentVariable("VINTED_STATE_DIR") ?? Path.Combine(repo, ".local");
        return File.ReadAllLines(Path.Combine(state, "stack.env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('\''));
    }
}
