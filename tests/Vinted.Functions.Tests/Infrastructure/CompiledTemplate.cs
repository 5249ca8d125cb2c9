using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vinted.Functions.Tests.Infrastructure;

/// <summary>
/// infra/azure/main.bicep compiled by the Bicep CLI into its ARM template, once per test run, with what the compiler
/// reported (SARIF). The modules are nested deployments: <see cref="Resources"/> flattens them.
/// </summary>
internal sealed class CompiledTemplate
{
    private static readonly Lazy<Task<CompiledTemplate>> Main = new(() => CompileAsync(Repository.Path("infra", "azure", "main.bicep")));

    private CompiledTemplate(JsonObject template, IReadOnlyList<string> diagnostics)
    {
        Template = template;
        Diagnostics = diagnostics;
        Resources = Flatten(template, module: "main").ToList();
    }

    public static Task<CompiledTemplate> MainAsync() => Main.Value;

    public JsonObject Template { get; }

    /// <summary>Warnings and errors of the build, one line each (rule id and message); none is the goal.</summary>
    public IReadOnlyList<string> Diagnostics { get; }

    public IReadOnlyList<TemplateResource> Resources { get; }

    /// <summary>The resources of <paramref name="type"/>; fails when there are none.</summary>
    public IReadOnlyList<TemplateResource> OfType(string type)
    {
        var found = Resources.Where(r => r.Type.Equals(type, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(found.Count > 0, $"The template has no {type}.");
        return found;
    }

    /// <summary>The function app's settings, as the template writes them: literal values or ARM expressions ("[...]").</summary>
    public IReadOnlyDictionary<string, string> AppSettings() =>
        Assert.Single(OfType("Microsoft.Web/sites/config"), r => r.Name.Contains("appsettings", StringComparison.Ordinal))
            .Properties.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    /// <summary>Compiles a Bicep file; the SARIF diagnostics are kept, the template is read from the output file.</summary>
    public static async Task<CompiledTemplate> CompileAsync(string bicepFile)
    {
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vinted-bicep-{Guid.NewGuid():N}.json");
        try
        {
            var (exitCode, sarif, error) = await Processes.RunAsync(
                Repository.Bicep, System.IO.Path.GetDirectoryName(bicepFile)!, "build", bicepFile, "--outfile", output, "--diagnostics-format", "sarif");
            Assert.True(exitCode == 0, $"bicep build failed ({exitCode}): {sarif}{error}");
            return new CompiledTemplate(JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsObject(), ReadSarif(sarif));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>What <c>bicep lint</c> reports for a file (its rules at their configured levels), one line per finding.</summary>
    public static async Task<IReadOnlyList<string>> LintAsync(string bicepFile)
    {
        var (exitCode, sarif, error) = await Processes.RunAsync(
            Repository.Bicep, System.IO.Path.GetDirectoryName(bicepFile)!, "lint", bicepFile, "--diagnostics-format", "sarif");
        var findings = ReadSarif(sarif);
        Assert.True(exitCode == 0 || findings.Count > 0, $"bicep lint failed ({exitCode}) without a finding: {sarif}{error}");
        return findings;
    }

    private static List<string> ReadSarif(string sarif)
    {
        // A clean build writes no SARIF at all.
        if (string.IsNullOrWhiteSpace(sarif))
        {
            return [];
        }

        using var document = JsonDocument.Parse(sarif);
        return document.RootElement.GetProperty("runs").EnumerateArray()
            .SelectMany(run => run.TryGetProperty("results", out var results) ? results.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(r =>
            {
                var location = r.GetProperty("locations")[0].GetProperty("physicalLocation");
                var file = System.IO.Path.GetFileName(location.GetProperty("artifactLocation").GetProperty("uri").GetString());
                var line = location.GetProperty("region").GetProperty("startLine").GetInt32();
                return $"{file}({line}) {r.GetProperty("ruleId").GetString()}: {r.GetProperty("message").GetProperty("text").GetString()}";
            })
            .ToList();
    }

    private static IEnumerable<TemplateResource> Flatten(JsonObject template, string module)
    {
        // Bicep writes resources as an array, or as an object keyed by symbolic name (language version 2.0).
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject byName => byName.Select(p => p.Value!.AsObject()),
            _ => [],
        };
        foreach (var resource in resources)
        {
            var type = resource["type"]!.GetValue<string>();
            var name = resource["name"]!.GetValue<string>();
            yield return new TemplateResource(module, type, name, resource["properties"] as JsonObject ?? [], resource);
            if (type == "Microsoft.Resources/deployments")
            {
                foreach (var nested in Flatten(resource["properties"]!["template"]!.AsObject(), name))
                {
                    yield return nested;
                }
            }
        }
    }
}

/// <summary>One resource of the compiled template: the module (nested deployment) declaring it, its type, its name expression.</summary>
internal sealed record TemplateResource(string Module, string Type, string Name, JsonObject Properties, JsonObject Json)
{
    /// <summary>Reads a property at a dotted path (<c>functionAppConfig.runtime.name</c>).</summary>
    public JsonNode? At(string path) => path.Split('.').Aggregate<string, JsonNode?>(Properties, (node, key) => node?[key]);
}
