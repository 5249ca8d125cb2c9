using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Vinted.Orchestration;
using Vinted.Orchestration.Http;
using Vinted.Orchestration.Timer;
using Vinted.Pipeline.Orchestrators;

namespace Vinted.SelfHost.PriceModel;

/// <summary>The price model in the self-host: its weekly training timer, its HTTP start, its API.</summary>
public static class PriceModelRegistration
{
    /// <summary>The training timer's settings: <c>PriceModel:Schedule</c>, a <see cref="ScheduleOptions"/> (weekly by default).</summary>
    public const string ScheduleSection = Schedules.TrainingSection;

    private const string ScheduleName = Schedules.Training;

    /// <summary>
    /// A second timer that starts <see cref="TrainModel"/> on <c>PriceModel:Schedule</c>. A host whose daily timer is off
    /// (<c>Schedule:Enabled=false</c>: the tests, a host that only serves) runs this one neither.
    /// </summary>
    public static DurableTaskEngineBuilder AddPriceModelTraining(this DurableTaskEngineBuilder engine, IConfiguration configuration)
    {
        engine.AllowHttpStart<TrainModel>();
        engine.Services.AddSchedule(ScheduleName, ScheduleSection, nameof(TrainModel));
        if (configuration.GetValue("Schedule:Enabled", true))
        {
            engine.Services.AddSingleton<IHostedService>(sp => new TimerTrigger(
                Options.Create(sp.GetRequiredService<IOptionsMonitor<ScheduleOptions>>().Get(ScheduleName)),
                sp.GetRequiredService<DurableTaskClient>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TimerTrigger>>()));
        }

        return engine;
    }
}
