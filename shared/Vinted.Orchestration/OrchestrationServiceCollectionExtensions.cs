using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Hosting;
using Vinted.Hosting.Postgres;
using Vinted.Orchestration.Client;
using Vinted.Orchestration.Execution;
using Vinted.Orchestration.Options;
using Vinted.Orchestration.Storage;
using Vinted.Orchestration.Timer;

namespace Vinted.Orchestration;

/// <summary>Registers the durable orchestration layer.</summary>
public static class OrchestrationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the ledger, Hangfire on PostgreSQL (its own schema, fast polling, sliding invisibility timeout),
    /// one Hangfire server per queue with its configured worker count, the sweeper and the client.
    /// Orchestrators and activities are registered on the returned builder.
    /// </summary>
    public static OrchestrationBuilder AddDurableOrchestration(this IServiceCollection services)
    {
        services.AddPostgres();
        services.AddSettings<OrchestrationOptions>(OrchestrationOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        var registry = new OrchestrationRegistry();
        services.AddSingleton(registry);
        services.AddSingleton<LedgerStore>();
        services.AddSingleton<Dispatcher>();
        services.AddSingleton(sp => new DurableClient(
            sp.GetRequiredService<LedgerStore>(), sp.GetRequiredService<Dispatcher>(), registry,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<DurableClient>>()));
        services.AddTransient<OrchestratorJob>();
        services.AddTransient<ActivityJob>();
        services.AddSingleton<Sweeper>();
        // Durable Functions' HTTP API spells runtime states as names ("Running"), not numbers.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        // Migrations first: hosted services start in registration order, and everything after needs the schema.
        services.AddHostedService<LedgerMigration>();
        services.AddHangfire((sp, configuration) =>
        {
            var options = sp.GetRequiredService<IOptions<OrchestrationOptions>>().Value;
            var dataSource = sp.GetRequiredService<NpgsqlDataSource>();
            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UsePostgreSqlStorage(
                    o => o.UseNpgsqlConnection(dataSource.ConnectionString),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = options.HangfireSchema,
                        QueuePollInterval = options.QueuePollInterval,
                        InvisibilityTimeout = options.InvisibilityTimeout,
                        UseSlidingInvisibilityTimeout = true,
                        DistributedLockTimeout = options.DistributedLockTimeout,
                        PrepareSchemaIfNecessary = true,
                    });
        });
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<Sweeper>());
        return new OrchestrationBuilder(services, registry);
    }
}

/// <summary>Registers orchestrators, activities and the worker servers.</summary>
public sealed class OrchestrationBuilder(IServiceCollection services, OrchestrationRegistry registry)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers an orchestrator under <paramref name="name"/> (default: the type's name).</summary>
    public OrchestrationBuilder AddOrchestrator<T>(string? name = null)
        where T : class, ITaskOrchestrator
    {
        registry.AddOrchestrator(name ?? typeof(T).Name, typeof(T));
        Services.AddTransient<T>();
        return this;
    }

    /// <summary>Registers an activity under <paramref name="name"/> (default: the type's name), run by the workers of <paramref name="queue"/>.</summary>
    public OrchestrationBuilder AddActivity<T>(string? name = null, string queue = OrchestrationRegistry.DefaultQueue)
        where T : class, ITaskActivity
    {
        registry.AddActivity(name ?? typeof(T).Name, typeof(T), queue);
        Services.AddTransient<T>();
        return this;
    }

    /// <summary>Adds the timer trigger: a cron schedule that starts one instance per slot.</summary>
    public OrchestrationBuilder AddTimerTrigger()
    {
        Services.AddSettings<ScheduleOptions>(ScheduleOptions.Section);
        Services.AddSingleton(sp => new TimerTrigger(
            sp.GetRequiredService<IOptions<ScheduleOptions>>(), sp.GetRequiredService<LedgerStore>(), sp.GetRequiredService<DurableClient>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<TimerTrigger>>()));
        Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TimerTrigger>());
        return this;
    }

    /// <summary>
    /// Adds one Hangfire server per queue, with the worker count of <c>Orchestration:Workers</c> (one for a
    /// queue not listed). Call after every activity is registered.
    /// </summary>
    public OrchestrationBuilder AddWorkers()
    {
        foreach (var queue in registry.Queues)
        {
            Services.AddHangfireServer((sp, server) =>
            {
                var options = sp.GetRequiredService<IOptions<OrchestrationOptions>>().Value;
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{queue}";
                server.Queues = [queue];
                server.WorkerCount = Math.Max(1, options.Workers.GetValueOrDefault(queue, 1));
                server.SchedulePollingInterval = options.SchedulePollingInterval;
                server.ShutdownTimeout = TimeSpan.FromSeconds(5);
            });
        }

        return this;
    }
}

/// <summary>Applies the ledger's migrations when the host starts.</summary>
internal sealed class LedgerMigration(SqlMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        migrator.MigrateAsync(typeof(LedgerMigration).Assembly, "durable", cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
