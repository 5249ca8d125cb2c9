using System.Diagnostics;

namespace Vinted.Testing;

/// <summary>
/// The local stack's settings, for every test project that talks to it (linked into Vinted.ObjectStore.Tests): from the
/// environment (`./vinted test`, or `source .local/stack.env`), or, run from an IDE, from the stack this starts with
/// infra/local/stack.sh.
/// </summary>
public static class StackSettings
{
    /// <summary>The repository root (where Vinted.sln is).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The values of <paramref name="keys"/> (environment-variable form), all from the environment or all from the stack.</summary>
    public static Dictionary<string, string> Load(IReadOnlyList<string> keys)
    {
        if (keys.All(k => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(k))))
        {
            return keys.ToDictionary(k => k, k => Environment.GetEnvironmentVariable(k)!);
        }

        var script = Path.Combine(RepoRoot, "infra", "local", "stack.sh");
        using (var up = Process.Start(new ProcessStartInfo("bash", [script, "up"]) { RedirectStandardError = true })!)
        {
            var log = up.StandardError.ReadToEnd();
            up.WaitForExit();
            if (up.ExitCode != 0)
            {
                throw new InvalidOperationException($"infra/local/stack.sh up failed:\n{log}");
            }
        }

        var stateDir = Environment.GetEnvironmentVariable("VINTED_STATE_DIR") ?? Path.Combine(RepoRoot, ".local");
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
