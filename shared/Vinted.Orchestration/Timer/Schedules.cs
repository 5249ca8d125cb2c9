using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Vinted.Orchestration.Timer;

/// <summary>The schedules besides the daily one (<see cref="ScheduleOptions.Section"/>), registered alike in both hosts.</summary>
public static class Schedules
{
    /// <summary>The price model's training schedule: its options name (and instance id prefix).</summary>
    public const string Training = "price-model";

    /// <summary>The section of <see cref="Training"/>: a <see cref="ScheduleOptions"/>, weekly by default (host.json).</summary>
    public const string TrainingSection = "PriceModel:Schedule";

    /// <summary>
    /// Binds the named schedule <paramref name="name"/> from <paramref name="section"/>, starting <paramref name="orchestrator"/>
    /// whatever the section says, and validated when the host starts.
    /// </summary>
    public static OptionsBuilder<ScheduleOptions> AddSchedule(this IServiceCollection services, string name, string section, string orchestrator) =>
        services.AddOptions<ScheduleOptions>(name)
            .BindConfiguration(section)
            .Configure(o => o.Orchestrator = orchestrator)
            .ValidateDataAnnotations()
            .ValidateOnStart();
}
