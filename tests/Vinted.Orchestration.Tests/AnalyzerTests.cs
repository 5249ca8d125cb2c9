using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Vinted.Orchestration.Tests;

/// <summary>
/// Microsoft.DurableTask.Analyzers (referenced by the pipeline's project) flag at compile time what the engine cannot
/// catch at run time: a sample orchestrator is compiled with Roslyn and the package's analyzers.
/// </summary>
public sealed class AnalyzerTests
{
    private const string Source = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.DurableTask;

        public sealed class Careless : TaskOrchestrator<int, int>
        {
            public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
            {
                await Task.Delay(100);
                var doubled = await Task.Run(() => input * 2);
                var now = DateTime.Now;
                return doubled + now.Second;
            }
        }

        public sealed class Careful : TaskOrchestrator<int, int>
        {
            public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
            {
                await context.CreateTimer(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                var doubled = await context.CallActivityAsync<int>(nameof(Double), input);
                return doubled + context.CurrentUtcDateTime.Second;
            }
        }

        public sealed class Double : TaskActivity<int, int>
        {
            public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input * 2);
        }
        """;

    [Fact]
    public async Task DurableAnalyzers_DelayRunAndClockInOrchestrator_AreFlagged()
    {
        var analyzers = LoadAnalyzers();
        var compilation = CSharpCompilation.Create(
            "Sample",
            [CSharpSyntaxTree.ParseText(Source)],
            TrustedPlatformReferences(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();

        var durable = diagnostics
            .Where(d => d.Id.StartsWith("DURABLE", StringComparison.Ordinal))
            .Select(d => (d.Id, Code: d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)))
            .OrderBy(d => d.Id)
            .ToList();
        Assert.Equal(
            [("DURABLE0001", "DateTime.Now"), ("DURABLE0003", "Task.Delay(100)"), ("DURABLE0004", "Task.Run(() => input * 2)")],
            durable);
    }

    private static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers()
    {
        var reference = new AnalyzerFileReference(AnalyzerPath(), new Loader());
        var analyzers = reference.GetAnalyzers(LanguageNames.CSharp);
        Assert.NotEmpty(analyzers);
        return analyzers;
    }

    /// <summary>The package's analyzer: its folder as restore found it (written into this assembly), else the NuGet cache.</summary>
    private static string AnalyzerPath()
    {
        const string file = "analyzers/dotnet/cs/Microsoft.DurableTask.Analyzers.dll";
        var package = typeof(AnalyzerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "DurableTaskAnalyzersPackage")?.Value;
        if (!string.IsNullOrEmpty(package) && File.Exists(Path.Combine(package, file)))
        {
            return Path.Combine(package, file);
        }

        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var root = Path.Combine(cache, "microsoft.durabletask.analyzers");
        return (Directory.Exists(root) ? Directory.GetDirectories(root) : [])
            .Where(d => Version.TryParse(Path.GetFileName(d), out _) && File.Exists(Path.Combine(d, file)))
            .OrderByDescending(d => Version.Parse(Path.GetFileName(d)))
            .Select(d => Path.Combine(d, file))
            .FirstOrDefault() ?? throw new InvalidOperationException($"Microsoft.DurableTask.Analyzers not found (package folder '{package}', cache '{root}').");
    }

    /// <summary>The runtime's assemblies and this test's dependencies (Microsoft.DurableTask.Abstractions among them).</summary>
    private static IEnumerable<MetadataReference> TrustedPlatformReferences() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => MetadataReference.CreateFromFile(p));

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
