using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Vinted.Hosting.Postgres;

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
}
