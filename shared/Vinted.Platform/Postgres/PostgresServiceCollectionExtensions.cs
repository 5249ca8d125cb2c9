using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Settings;

namespace Vinted.Platform.Postgres;

/// <summary>Registers the one <see cref="NpgsqlDataSource"/> of the process and the SQL migrator.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>Idempotent: every concern that needs the database calls it, the first call registers.</summary>
    public static IServiceCollection AddPostgres(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(NpgsqlDataSource)))
        {
            return services;
        }

        services.AddSettings<PostgresOptions>(PostgresOptions.Section);
        services.AddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<PostgresOptions>>().Value.Warehouse);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.AddSingleton<SqlMigrator>();
        return services;
    }

    /// <summary>
    /// Applies <paramref name="assembly"/>'s migrations under <paramref name="component"/> when the host starts (hosted
    /// services start in registration order: register a component after those whose schemas it uses).
    /// </summary>
    public static IServiceCollection AddMigrationsOnStart(this IServiceCollection services, System.Reflection.Assembly assembly, string component)
    {
        services.AddPostgres();
        return services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => new MigrationsOnStart(sp.GetRequiredService<SqlMigrator>(), assembly, component));
    }

    private sealed class MigrationsOnStart(SqlMigrator migrator, System.Reflection.Assembly assembly, string component) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(assembly, component, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
