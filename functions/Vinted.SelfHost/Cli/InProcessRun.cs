using Vinted.Monitoring.Runs;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Spectre.Console;
using Vinted.SelfHost.Hosting;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Engine;

namespace Vinted.SelfHost.Cli;

/// <summary>What the commands other than <c>run</c> share: start the app in this process, run one orchestration with progress bars, read its output.</summary>
internal static class InProcessRun
{
    /// <summary>Runs <paramref name="orchestrator"/> to its end; returns its output, or null (having said why) when it did not complete.</summary>
    public static async Task<T?> RunAsync<T>(IReadOnlyList<string> settings, string orchestrator, object input, string what)
        where T : class
    {
        await using var app = FunctionApp.Build([.. RunCommand.InProcessSettings, .. settings]);
        await app.StartAsync();
        var client = app.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input);
        AnsiConsole.MarkupLineInterpolated($"{what} [bold]{id}[/] started.");
        var status = await RunCommand.WatchAsync(client, app.Services.GetRequiredService<InstanceHistory>(), id);
        await app.StopAsync();
        if (status.RuntimeStatus != OrchestrationRuntimeStatus.Completed || status.Output is not { } output)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{what} {status.RuntimeStatus}[/]: {status.Error ?? status.Output?.ToString() ?? "no output"}");
            return null;
        }

        return output.Deserialize<T>(EngineJson.Options);
    }
}
