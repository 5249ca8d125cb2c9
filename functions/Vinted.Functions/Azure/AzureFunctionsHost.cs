using System.Text.Json.Serialization;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using Vinted.Monitoring;
using Vinted.Monitoring.Runs;
using Vinted.Settings;
using Vinted.Orchestration.Engine;
using Vinted.Orchestration.Http;
using Vinted.Orchestration.Timer;
using Vinted.Pipeline;
using Vinted.Pipeline.Orchestrators;

namespace Vinted.Functions.Azure;

/// <summary>
/// The composition root in Azure Functions: this app as the Functions host's isolated worker. The Durable extension is
/// the engine there; the functions of this folder hand its work to the same orchestrator and activity classes the
/// self-host (functions/Vinted.SelfHost) runs.
/// </summary>
internal static class AzureFunctionsHost
{
    public static IHost Build() => CreateBuilder().Build();

    /// <summary>
    /// The worker's host builder. <paramref name="appSettings"/> replaces the process environment and command line,
    /// where the Functions host puts the app settings: the tests start the worker with the settings the Bicep template
    /// deploys and nothing else.
    /// </summary>
    internal static IHostBuilder CreateBuilder(IEnumerable<KeyValuePair<string, string?>>? appSettings = null) =>
        new HostBuilder()
            .ConfigureFunctionsWebApplication()
            .ConfigureAppConfiguration(config =>
            {
                // host.json also holds the app's own sections (Ingestion, VintedApi, Pipeline, Schedule): read it first,
                // under what the worker added (environment, command line), so app settings override it as in the self-host.
                var worker = config.Sources.ToList();
                config.Sources.Clear();
                config.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "host.json"), optional: false);
                if (appSettings is not null)
                {
                    config.AddInMemoryCollection(appSettings);
                    return;
                }

                foreach (var source in worker)
                {
                    config.Add(source);
                }

                config.AddEnvironmentVariables();
            })
            .ConfigureServices((context, services) =>
            {
                services.AddAzureTelemetry(context.Configuration);
                services.AddSingleton(TimeProvider.System);
                // Inputs, outputs and custom status as the self-host stores them (camelCase, enum names): the monitoring
                // code reads run reports in that shape.
                services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(EngineJson.Options));
                // HTTP answers with enum names (runtimeStatus "Running"), as the self-host gives them.
                services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
                services.AddSettings<ScheduleOptions>(ScheduleOptions.Section);
                services.AddSchedule(Schedules.Training, Schedules.TrainingSection, nameof(TrainModel));
                services.AddSettings<RetentionOptions>(RetentionOptions.Section);
                services.AddSettings<DurableHttpOptions>(DurableHttpOptions.Section);
                services.AddMonitoring();
                services.AddPipeline();
            });
}
