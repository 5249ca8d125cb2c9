using System.Reflection;

namespace Vinted.Functions.Tests.Infrastructure;

/// <summary>Where the repository's files and the restored Bicep CLI are: written into this assembly by the project file.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The Bicep CLI binary of the NuGet package Azure.Bicep.CommandLine.linux-x64, made executable if restore left it not.</summary>
    public static string Bicep { get; } = OperatingSystem.IsWindows()
        ? throw new PlatformNotSupportedException("The Bicep package restored here is the linux-x64 build.")
        : FindBicep();

    // The package is the linux-x64 build: the tests run on Linux (CI, the dev machines).
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string FindBicep()
    {
        var path = System.IO.Path.Combine(Metadata("BicepPackagePath"), "tools", "bicep");
        Assert.True(File.Exists(path), $"{path} is missing: restore Vinted.Functions.Tests (package Azure.Bicep.CommandLine.linux-x64).");
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The assembly metadata {key} is empty.");
}
