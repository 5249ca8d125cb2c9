using System.Diagnostics;
using Npgsql;

namespace Vinted.Orchestration.IntegrationTests.Infrastructure;

/// <summary>
/// The local stack the engine tests run against (Azurite for the engine, PostgreSQL for the function app), read from
/// the environment (`set -a; source .local/stack.env`) or, run from an IDE, started and read from .local/stack.env.
/// </summary>
public sealed class LocalStack
{
    private static readonly Lazy<LocalStack> Shared = new(() => new LocalStack());

    private static readonly string[] Keys =
    [
        "ConnectionStrings__Warehouse", "S3__ServiceUrl", "S3__Bucket", "S3__AccessKey", "S3__SecretKey",
        "Functions__Keys__Default", "Functions__Keys__Admin", "AzureWebJobsStorage",
    ];

    private readonly Dictionary<string, string> _settings;

    private LocalStack() => _settings = LoadSettings();

    public static LocalStack Instance => Shared.Value;

    public string ConnectionString => _settings["ConnectionStrings__Warehouse"];

    public string AzureWebJobsStorage => _settings["AzureWebJobsStorage"];

    public string DefaultKey => _settings["Functions__Keys__Default"];

    public string AdminKey => _settings["Functions__Keys__Admin"];

    /// <summary>The stack's settings in environment-variable form (Section__Key), for hosts and child processes.</summary>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    /// <summary>A task hub name of its own ("t" + 12 hex digits): no test sees another's instances.</summary>
    public static string NewHubName() => $"t{Guid.NewGuid():N}"[..13];

    /// <summary>A fresh, empty database for one test class.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var database = $"test_{name.ToLowerInvariant()}";
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using (var drop = dataSource.CreateCommand($"drop database if exists \"{database}\" with (force)"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = dataSource.CreateCommand($"create database \"{database}\""))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;
    }

    private static Dictionary<string, string> LoadSettings()
    {
        if (Keys.All(k => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(k))))
        {
            return Keys.ToDictionary(k => k, k => Environment.GetEnvironmentVariable(k)!);
        }

        var root = FindRepoRoot();
        using (var up = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "infra", "local", "stack.sh"), "up"]) { RedirectStandardError = true })!)
        {
            var log = up.StandardError.ReadToEnd();
            up.WaitForExit();
            if (up.ExitCode != 0)
            {
                throw new InvalidOperationException($"infra/local/stack.sh up failed:\n{log}");
            }
        }

        var stateDir = Environment.GetEnvironmentVariable("VINTED_STATE_DIR") ?? Path.Combine(root, ".local");
        return File.ReadAllLines(Path.Combine(stateDir, "stack.env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('\''));
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vinted.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Vinted.sln not found above the test assembly.");
    }
}
