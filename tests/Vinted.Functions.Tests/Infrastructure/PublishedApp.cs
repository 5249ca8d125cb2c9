using System.Reflection;

namespace Vinted.Functions.Tests.Infrastructure;

/// <summary>
/// The function app's <c>dotnet publish</c> output, as azd would upload it: the folder tests/run-tests.sh published
/// (environment variable <c>VINTED_FUNCTIONS_PUBLISH_DIR</c>), or one published here from the build's output.
/// </summary>
public sealed class PublishedApp : IAsyncLifetime
{
    public const string DirectoryVariable = "VINTED_FUNCTIONS_PUBLISH_DIR";

    private string? _ownDirectory;

    public string Directory { get; private set; } = "";

    public string Path(params string[] parts) => System.IO.Path.Combine([Directory, .. parts]);

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } published)
        {
            Directory = published;
            return;
        }

        // The test project's build built the app in the same configuration: publish that build, without building again.
        var configuration = typeof(PublishedApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        _ownDirectory = System.IO.Directory.CreateTempSubdirectory("vinted-functions-publish-").FullName;
        var (exitCode, output, error) = await Processes.RunAsync(
            "dotnet", Repository.Root, "publish", Repository.Path("functions", "Vinted.Functions", "Vinted.Functions.csproj"),
            "-c", configuration, "--no-build", "-nologo", "-v", "quiet", "-o", _ownDirectory);
        Assert.True(exitCode == 0, $"dotnet publish failed ({exitCode}): {output}{error}");
        Directory = _ownDirectory;
    }

    public Task DisposeAsync()
    {
        if (_ownDirectory is not null)
        {
            System.IO.Directory.Delete(_ownDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
