using System.Reflection;
using System.Text.Json;
using Vinted.Functions.Azure;
using Vinted.Orchestration.Timer;
using Vinted.Pipeline;

namespace Vinted.Functions.Tests;

/// <summary>
/// The Azure Functions app as the Functions host will index it: functions.metadata, which the Worker SDK writes when it
/// builds Vinted.Functions and which reaches this test's output with the project reference. A pipeline orchestrator or
/// activity without its function would only fail in Azure, at its first call.
/// </summary>
public sealed class FunctionMetadataTests
{
    private static readonly IReadOnlyList<FunctionEntry> Functions = Read();

    [Fact]
    public void Orchestrators_EveryPipelineOrchestrator_HasAnOrchestrationTrigger() =>
        Assert.Equal(
            PipelineTasks.Orchestrators.Select(t => t.Name).Append(nameof(SkippedSlot)).Order(),
            Functions.Where(f => f.Trigger.Type == "orchestrationTrigger").Select(f => f.Name).Order());

    [Fact]
    public void Activities_EveryPipelineActivity_HasAnActivityTrigger() =>
        Assert.Equal(
            PipelineTasks.Activities.Select(t => t.Name).Order(),
            Functions.Where(f => f.Trigger.Type == "activityTrigger").Select(f => f.Name).Order());

    [Fact]
    public void DailyTimer_RunsHourlyInUtc_WithADurableClient()
    {
        var timer = Single("DailyTimer", "timerTrigger");

        // A literal the host reads (six fields, UTC on Flex Consumption); the app's schedule picks the slot.
        Assert.Equal(Triggers.HourlyCron, timer.Trigger.Element.GetProperty("schedule").GetString());
        Assert.Contains(timer.Bindings, b => b.Type == "durableClient");
    }

    [Theory]
    [InlineData("StartRun", "post", "api/runs")]
    [InlineData("GetRun", "get", "api/runs/{instanceId}")]
    [InlineData("MonitoringRuns", "get", "api/monitoring/runs")]
    public void HttpTriggers_AreRoutedAndNeedAFunctionKey(string name, string method, string route)
    {
        var http = Single(name, "httpTrigger");
        var trigger = http.Trigger.Element;

        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        Assert.Contains(http.Bindings, b => b.Type == "durableClient");
        Assert.Contains(http.Bindings, b => b.Type == "http" && b.Direction == "Out");
    }

    [Fact]
    public void EntryPoints_AllResolveToMethodsOfTheApp()
    {
        var assembly = typeof(OrchestrationFunctions).Assembly;
        foreach (var function in Functions)
        {
            var split = function.EntryPoint.LastIndexOf('.');
            var type = assembly.GetType(function.EntryPoint[..split]);
            Assert.True(type?.GetMethod(function.EntryPoint[(split + 1)..], BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance) is not null, function.EntryPoint);
            Assert.Equal($"{assembly.GetName().Name}.dll", function.ScriptFile);
        }
    }

    private static FunctionEntry Single(string name, string triggerType)
    {
        var function = Assert.Single(Functions, f => f.Name == name);
        Assert.Equal(triggerType, function.Trigger.Type);
        return function;
    }

    private static List<FunctionEntry> Read()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Worker SDK writes it when Vinted.Functions builds.");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.EnumerateArray().Select(f => new FunctionEntry(
            f.GetProperty("name").GetString()!,
            f.GetProperty("entryPoint").GetString()!,
            f.GetProperty("scriptFile").GetString()!,
            f.GetProperty("bindings").EnumerateArray().Select(b => new BindingEntry(
                b.GetProperty("type").GetString()!, b.GetProperty("direction").GetString()!, b.Clone())).ToList())).ToList();
    }

    private sealed record FunctionEntry(string Name, string EntryPoint, string ScriptFile, IReadOnlyList<BindingEntry> Bindings)
    {
        /// <summary>A function has exactly one trigger.</summary>
        public BindingEntry Trigger => Assert.Single(Bindings, b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));
    }

    private sealed record BindingEntry(string Type, string Direction, JsonElement Element);
}
