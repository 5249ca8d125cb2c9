using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Vinted.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Vinted.Functions.Tests;

/// <summary>
/// What `dotnet publish` of the function app gives the Functions host: the worker's start description, the function
/// index, the host's extensions, host.json at the root, the price model's native library for linux-x64, and no
/// developer settings.
/// </summary>
public sealed class PublishOutputTests(PublishedApp app, ITestOutputHelper output) : IClassFixture<PublishedApp>
{
    /// <summary>
    /// Who serves each binding type the app's functions use. Timer and HTTP are built into the Functions host: their
    /// worker packages declare no host extension (no ExtensionInformation attribute, checked below), so the Worker SDK
    /// adds none to extensions.json. A binding type missing here fails the test until someone says who serves it.
    /// </summary>
    private static readonly Dictionary<string, string> BindingServedBy = new()
    {
        ["orchestrationTrigger"] = "DurableTask",
        ["activityTrigger"] = "DurableTask",
        ["durableClient"] = "DurableTask",
        ["timerTrigger"] = "host",
        ["httpTrigger"] = "host",
        ["http"] = "host",
    };

    [Fact]
    public void WorkerConfig_StartsTheAppsAssemblyWithDotnet()
    {
        var description = Json("worker.config.json")["description"]!;

        Assert.Equal("dotnet-isolated", description["language"]!.GetValue<string>());
        Assert.Equal("dotnet", description["defaultExecutablePath"]!.GetValue<string>());
        Assert.True(File.Exists(app.Path(description["defaultWorkerPath"]!.GetValue<string>())), "the worker assembly named by worker.config.json is published");
    }

    [Fact]
    public void FunctionsMetadata_IsTheOneTheTestsCheck()
    {
        // FunctionMetadataTests read the build's copy; the host reads the published one.
        Assert.Equal(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")),
            File.ReadAllText(app.Path("functions.metadata")));
    }

    [Fact]
    public void Extensions_ServeEveryBindingTheFunctionsUse()
    {
        var extensions = Json("extensions.json")["extensions"]!.AsArray().Select(e => e!).ToList();
        var names = extensions.Select(e => e["name"]!.GetValue<string>()).ToList();
        output.WriteLine($"extensions.json: {string.Join(", ", names)}");
        foreach (var extension in extensions)
        {
            var hint = extension["hintPath"]!.GetValue<string>();
            Assert.True(File.Exists(app.Path(hint)), $"{hint} of extension {extension["name"]} is published");
        }

        var bindings = Json("functions.metadata").AsArray()
            .SelectMany(f => f!["bindings"]!.AsArray().Select(b => b!["type"]!.GetValue<string>()))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var binding in bindings)
        {
            Assert.True(BindingServedBy.TryGetValue(binding, out var servedBy), $"Which extension serves the binding {binding}? Add it to BindingServedBy.");
            Assert.True(servedBy == "host" || names.Contains(servedBy), $"{binding} needs the {servedBy} extension in extensions.json");
            output.WriteLine($"{binding}: {(servedBy == "host" ? "built into the Functions host" : $"extension {servedBy}")}");
        }
    }

    [Fact]
    public void WorkerExtensions_DeclaringAHostExtension_HaveItInExtensionsJson()
    {
        // Each worker extension package names the host extension it needs (ExtensionInformation); the Worker SDK
        // restores those into .azurefunctions. Timer and HTTP name none: the host has them built in.
        var hintPaths = Json("extensions.json")["extensions"]!.AsArray().Select(e => Path.GetFileName(e!["hintPath"]!.GetValue<string>())).ToList();
        var workerExtensions = Directory.GetFiles(app.Directory, "Microsoft.Azure.Functions.Worker.Extensions.*.dll")
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .Where(n => n != "Microsoft.Azure.Functions.Worker.Extensions.Abstractions")
            .ToList();
        Assert.Contains("Microsoft.Azure.Functions.Worker.Extensions.DurableTask", workerExtensions);
        Assert.Contains("Microsoft.Azure.Functions.Worker.Extensions.Timer", workerExtensions);
        Assert.Contains("Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore", workerExtensions);

        foreach (var name in workerExtensions)
        {
            var declared = Assembly.Load(name).GetCustomAttributesData()
                .Where(a => a.AttributeType.Name == "ExtensionInformationAttribute")
                .Select(a => (string)a.ConstructorArguments[0].Value!)
                .ToList();
            output.WriteLine($"{name}: {(declared.Count == 0 ? "no host extension (built into the host)" : string.Join(", ", declared))}");
            foreach (var package in declared)
            {
                Assert.Contains($"{package}.dll", hintPaths);
            }
        }
    }

    [Fact]
    public void HostJson_IsAtTheRoot_AsInTheRepository() =>
        Assert.Equal(File.ReadAllText(Repository.Path("host.json")), File.ReadAllText(app.Path("host.json")));

    [Fact]
    public void PriceModel_LightGbmNativeLibrary_IsPublishedForLinuxX64_AndLoads()
    {
        // ML.NET's LightGBM trainer P/Invokes lib_lightgbm; Flex Consumption runs linux-x64.
        var library = app.Path("runtimes", "linux-x64", "native", "lib_lightgbm.so");
        Assert.True(File.Exists(library), $"{library} is missing");

        var header = new byte[20];
        using (var stream = File.OpenRead(library))
        {
            stream.ReadExactly(header);
        }

        Assert.Equal("\u007fELF"u8.ToArray(), header[..4]);
        Assert.Equal(0x3E, BitConverter.ToUInt16(header, 18)); // e_machine: x86-64
        if (RuntimeInformation.OSArchitecture == Architecture.X64)
        {
            // Loads here (its own dependencies, libgomp among them, resolve), as it must on the Functions image.
            NativeLibrary.Free(NativeLibrary.Load(library));
        }
    }

    [Fact]
    public void LocalSettings_AreNotPublished() =>
        Assert.Empty(Directory.GetFiles(app.Directory, "local.settings*.json", SearchOption.AllDirectories));

    private JsonNode Json(string file) => JsonNode.Parse(File.ReadAllText(app.Path(file)))!;
}
