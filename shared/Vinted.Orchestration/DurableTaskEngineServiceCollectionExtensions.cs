using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinted.Settings;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Engine;
using Vinted.Orchestration.Options;
using Vinted.Orchestration.Timer;

namespace Vinted.Orchestration;

/// <summary>Registers the self-hosted Durable Task engine.</summary>
public static class DurableTaskEngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine's store (PostgreSQL, or Azure Storage over <c>AzureWebJobsStorage</c>, by <c>DurableTask:Backend</c>), its worker, a
    /// <see cref="DurableTaskClient"/> over the same store, history reading and retention. Orchestrators and
    /// activities are registered on the returned builder.
    /// </summary>
    public static DurableTaskEngineBuilder AddDurableTaskEngine(this IServiceCollection services)
    {
        services.AddSettings<DurableTaskEngineOptions>(DurableTaskEngineOptions.Section);
        services.AddSettings<EngineStorageOptions>(EngineStorageOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        var registry = new TaskRegistry();
        services.AddSingleton(registry);
        services.AddSingleton(sp => new EngineStore(
            sp.GetRequiredService<IOptions<DurableTaskEngineOptions>>(),
            sp.GetRequiredService<IOptions<EngineStorageOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<EngineClient>();
        services.AddSingleton<DurableTaskClient>(sp => sp.GetRequiredService<EngineClient>());
        services.AddSingleton<InstanceHistory>();

        // Durable Functions' HTTP API spells runtime states as names ("Running"), not numbers.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        // The worker first: hosted services start in order, and it creates the hub's tables and queues.
        services.AddHostedService<DurableTaskEngine>();
        services.AddHostedService<RetentionPurge>();
        return new DurableTaskEngineBuilder(services, registry).AddOrchestrator<SkippedSlot>();
    }
}

/// <summary>Registers orchestrators, activities and the timer trigger.</summary>
public sealed class DurableTaskEngineBuilder(IServiceCollection services, TaskRegistry registry)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers an orchestrator under <paramref name="name"/> (default: the type's name).</summary>
    public DurableTaskEngineBuilder AddOrchestrator<T>(string? name = null)
        where T : class, ITaskOrchestrator
    {
        registry.AddOrchestrator(name ?? typeof(T).Name, typeof(T));
        return this;
    }

    /// <summary>Registers an activity under <paramref name="name"/> (default: the type's name); it is built by dependency injection.</summary>
    public DurableTaskEngineBuilder AddActivity<T>(string? name = null)
        where T : class, ITaskActivity
    {
        registry.AddActivity(name ?? typeof(T).Name, typeof(T));
        return this;
    }

    /// <summary>Registers orchestrator and activity classes under their type names.</summary>
    public DurableTaskEngineBuilder AddTasks(IEnumerable<Type> orchestrators, IEnumerable<Type> activities)
    {
        foreach (var type in orchestrators)
        {
            registry.AddOrchestrator(type.Name, Check(type, typeof(ITaskOrchestrator)));
        }

        foreach (var type in activities)
        {
            registry.AddActivity(type.Name, Check(type, typeof(ITaskActivity)));
        }

        return this;
    }

    /// <summary>Adds the timer trigger: a cron schedule that starts one instance per slot across hosts.</summary>
    public DurableTaskEngineBuilder AddTimerTrigger()
    {
        Services.AddSettings<ScheduleOptions>(ScheduleOptions.Section);
        Services.AddSingleton<TimerTrigger>();
        Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TimerTrigger>());
        return this;
    }

    private static Type Check(Type type, Type contract) =>
        contract.IsAssignableFrom(type) ? type : throw new ArgumentException($"{type} is not an {contract.Name}.", nameof(type));
}
