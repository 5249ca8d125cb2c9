using System.Reflection;

namespace Vinted.Functions.Tests.Infrastructure;

/// <summary>Where the repository's files are (written into this assembly by the project file); PublishedApp publishes from here.</summary>
internal static class Repository
{
    public static string Root { get; } =
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value
        ?? throw new InvalidOperationException("The assembly metadata RepositoryRoot is empty.");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
