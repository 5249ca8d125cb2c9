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

    /// <summary>
    /// Each timer's schedule is a literal the host reads (six fields, UTC on Flex Consumption): the run timers wake
    /// hourly and the app's schedules (<c>Schedule</c>, <c>PriceModel:Schedule</c>) pick the slot; the purge runs off the hour.
    /// </summary>
    [Theory]
    [InlineData("DailyTimer", Triggers.HourlyCron)]
    [InlineData("TrainingTimer", Triggers.HourlyCron)]
    [InlineData("RetentionPurge", RetentionTimer.PurgeCron)]
    public void Timers_RunOnTheirSchedule_WithADurableClient(string name, string schedule)
    {
        var timer = Single(name, "timerTrigger");

        Assert.Equal(schedule, timer.Trigger.Element.GetProperty("schedule").GetString());
        Assert.Equal(6, schedule.Split(' ').Length);
        Assert.Contains(timer.Bindings, b => b.Type == "durableClient");
    }

    [Fact]
    public void Timers_AreTheThree() =>
        Assert.Equal(["DailyTimer", "RetentionPurge", "TrainingTimer"], Functions.Where(f => f.Trigger.Type == "timerTrigger").Select(f => f.Name).Order(StringComparer.Ordinal));

    /// <summary>
    /// Every HTTP function at the self-host's route, with the level that stands in for the self-host's key check:
    /// its function key is the Function level, its admin key the Admin level (the host's master key), no key Anonymous.
    /// The pages and their static files are anonymous here (see MonitoringFunctions): the data they read is not.
    /// </summary>
    [Theory]
    [InlineData("StartRun", "post", "api/runs", "Function", true)]
    [InlineData("StartBackfill", "post", "api/backfills", "Function", true)]
    [InlineData("GetRun", "get", "api/runs/{instanceId}", "Function", true)]
    [InlineData("RestartRun", "post", "api/runs/{instanceId}/restart", "Admin", true)]
    [InlineData("MonitoringRuns", "get", "api/monitoring/runs", "Function", true)]
    [InlineData("MonitoringRun", "get", "api/monitoring/runs/{id}", "Function", true)]
    [InlineData("RunsPage", "get", "runs", "Anonymous", false)]
    [InlineData("RunPage", "get", "runs/{id}", "Anonymous", false)]
    [InlineData("InsightsPage", "get", "insights", "Anonymous", false)]
    [InlineData("ModelsPage", "get", "models", "Anonymous", false)]
    [InlineData("StaticFile", "get", "{folder:regex(^(css|js|lib)$)}/{*file}", "Anonymous", false)]
    [InlineData("Insights", "get", "api/insights/{name}", "Function", false)]
    [InlineData("PriceEstimate", "post", "api/price/estimate", "Function", false)]
    [InlineData("PriceModels", "get", "api/price/models", "Function", false)]
    [InlineData("PromotePriceModel", "post", "api/price/models/{model}/production", "Admin", false)]
    [InlineData("RollBackPriceModel", "post", "api/price/models/{model}/rollback", "Admin", false)]
    [InlineData("HealthLive", "get", "health/live", "Anonymous", false)]
    [InlineData("HealthReady", "get", "health/ready", "Anonymous", true)]
    public void HttpTriggers_AreRoutedWithTheSelfHostsKeyLevel(string name, string method, string route, string authLevel, bool durableClient)
    {
        var http = Single(name, "httpTrigger");
        var trigger = http.Trigger.Element;

        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
        Assert.Equal(durableClient, http.Bindings.Any(b => b.Type == "durableClient"));
        Assert.Contains(http.Bindings, b => b.Type == "http" && b.Direction == "Out");
    }

    [Fact]
    public void HttpTriggers_EachIsListedAbove() =>
        Assert.Equal(
            ["GetRun", "HealthLive", "HealthReady", "Insights", "InsightsPage", "ModelsPage", "MonitoringRun", "MonitoringRuns", "PriceEstimate", "PriceModels",
                "PromotePriceModel", "RestartRun", "RollBackPriceModel", "RunPage", "RunsPage", "StartBackfill", "StartRun", "StaticFile"],
            Functions.Where(f => f.Trigger.Type == "httpTrigger").Select(f => f.Name).Order(StringComparer.Ordinal));

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
