using Vinted.Monitoring;
using Vinted.Monitoring.Runs;
using Microsoft.Extensions.Options;
using Vinted.SelfHost.Cli;
using Vinted.SelfHost.Diagnostics;
using Vinted.SelfHost.Health;
using Vinted.SelfHost.Monitoring;
using Vinted.SelfHost.PriceModel;
using Vinted.Settings;
using Vinted.Orchestration.Http.Security;
using Vinted.Orchestration;
using Vinted.Orchestration.Http;
using Vinted.Pipeline;
using Vinted.Pipeline.Orchestrators;

namespace Vinted.SelfHost.Hosting;

/// <summary>
/// The composition root of the self-host: the same orchestrators and activities as the Azure Functions app, run by
/// the Durable Task engine in this process, behind the same HTTP surface.
/// </summary>
public static class FunctionApp
{
    /// <summary>Dispatches the command line: <c>serve</c> (default), <c>run</c>, <c>backfill</c>, <c>export</c> or <c>train</c>.</summary>
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
                case "backfill":
                    return await BackfillCommand.RunAsync(rest);
                case "export":
                    return await ExportCommand.RunAsync(rest);
                case "train":
                    return await TrainCommand.RunAsync(rest);
                default:
                    await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: serve, run, backfill, export, train.");
                    return 2;
            }
        }
        catch (ArgumentException e) when (command is "run" or "backfill" or "export" or "train")
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
    /// <param name="configure">Extra registrations (tests add their own orchestrators here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder, DurableTaskEngineBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "host.json"), optional: false)
            .AddLocalSettings(Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"))
            .AddEnvironmentVariables()
            .AddCommandLine(args);
        builder.WebHost.UseUrls(HttpUrls(builder.Configuration));

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSettings<FunctionKeyOptions>(FunctionKeyOptions.Section);
        builder.Services.AddMonitoring();
        builder.AddTelemetry();
        builder.Services.AddPipeline();
        var engine = builder.Services.AddDurableTaskEngine()
            .AddTasks(PipelineTasks.Orchestrators, PipelineTasks.Activities)
            .AddTimerTrigger()
            .AllowHttpStart<DailyPipeline>()
            .AllowHttpStart<Backfill>()
            .AddPriceModelTraining(builder.Configuration);

        // The fan-out probe writes to PostgreSQL and can be asked for 100,000 activities: a self-test an operator turns on.
        if (builder.Configuration.GetValue<bool>(DiagnosticsRegistration.EnabledKey))
        {
            engine.AddDiagnostics();
        }

        configure?.Invoke(builder, engine);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapMonitoring();
        app.MapDurableApi();
        app.MapPriceApi();
        app.MapHealth();
        return app;
    }

    /// <summary>The <c>Http:Urls</c> Kestrel listens on, each an absolute http(s) URL; a malformed one is a configuration error naming the key.</summary>
    private static string HttpUrls(IConfiguration configuration)
    {
        var urls = configuration["Http:Urls"] ?? "http://127.0.0.1:7071";
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel reads "*" and "+" as every address; a port must be a number.
            var probe = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new OptionsValidationException("Http:Urls", typeof(string),
                    ["Missing or invalid setting 'Http:Urls' (environment variable Http__Urls): each of the ';'-separated values must be an absolute http(s) URL."]);
            }
        }

        return urls;
    }
}
