using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;
using Vinted.Functions.Cli;
using Vinted.Functions.Diagnostics;
using Vinted.Functions.Monitoring;
using Vinted.Functions.Pipeline;
using Vinted.Hosting;
using Vinted.Hosting.Security;
using Vinted.Orchestration;
using Vinted.Orchestration.Http;

namespace Vinted.Functions.Hosting;

/// <summary>The composition root of the function app.</summary>
public static class FunctionApp
{
    /// <summary>Dispatches the command line: <c>serve</c> (default) or <c>run</c>.</summary>
    public static async Task<int> RunCommandAsync(string[] args)
    {
        var command = args.FirstOrDefault() ?? "serve";
        var rest = args.Skip(1).ToArray();
        try
        {
            switch (command)
            {
                case "serve":
                    await Build(rest).RunAsync();
                    return 0;
                case "run":
                    return await RunCommand.RunAsync(rest, TimeProvider.System);
                default:
                    await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: serve, run.");
                    return 2;
            }
        }
        catch (ArgumentException e) when (command == "run")
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (OptionsValidationException e)
        {
            // Configuration errors are the operator's to fix: say which keys, without a stack trace.
            await Console.Error.WriteLineAsync("Configuration is incomplete:");
            foreach (var failure in e.Failures)
            {
                await Console.Error.WriteLineAsync($"  - {failure}");
            }

            return 3;
        }
    }

    /// <summary>Builds the host: configuration from host.json, local.settings.json and the environment, then every concern.</summary>
    /// <param name="args">Command-line settings (<c>--Section:Key=value</c>) on top of the environment.</param>
    /// <param name="configure">Extra registrations (tests add their own orchestrators here), before the workers are added.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder, OrchestrationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "host.json"), optional: false)
            .AddLocalSettings(Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"))
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        builder.WebHost.UseUrls(builder.Configuration["Http:Urls"] ?? "http://127.0.0.1:7071");

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSettings<FunctionKeyOptions>(FunctionKeyOptions.Section);
        builder.Services.AddMonitoring();
        var orchestration = builder.Services.AddDurableOrchestration()
            .AddPipeline()
            .AddTimerTrigger()
            .AddDiagnostics();
        configure?.Invoke(builder, orchestration);
        orchestration.AddWorkers();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapMonitoring();
        app.MapDurableApi();
        app.MapHangfireDashboard("/dashboard", new DashboardOptions
        {
            Authorization = [new DashboardKeyFilter()],
            IsReadOnlyFunc = context => FunctionKeys.LevelOf(context.GetHttpContext()) != KeyLevel.Admin,
        });
        return app;
    }
}
