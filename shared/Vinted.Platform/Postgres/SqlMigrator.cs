using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Vinted.Platform.Postgres;

/// <summary>
/// Applies forward-only SQL migrations embedded in an assembly. Scripts are the embedded resources whose
/// names contain <c>.Sql.Migrations.</c>, applied in name order (<c>0001_x.sql</c>, <c>0002_y.sql</c>), each in
/// its own transaction together with its row in <c>public.schema_migrations</c>: a failing script leaves the
/// database as it was. An advisory lock serializes hosts that start at the same time.
/// </summary>
public sealed partial class SqlMigrator(NpgsqlDataSource dataSource, ILogger<SqlMigrator> logger)
{
    private const string Marker = ".Sql.Migrations.";

    /// <summary>Applies the assembly's pending migrations under <paramref name="component"/>; returns how many ran.</summary>
    public async Task<int> MigrateAsync(Assembly assembly, string component, CancellationToken cancellationToken = default)
    {
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(Marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Resource: n, Version: n[(n.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..^4]))
            .OrderBy(s => s.Version, StringComparer.Ordinal)
            .ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(
            """
            create table if not exists public.schema_migrations (
                component  text        not null,
                version    text        not null,
                applied_at timestamptz not null default now(),
                primary key (component, version))
            """, connection))
        {
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
            {
                // Two hosts created the table at the same instant; the other one won, which is what we wanted.
            }
        }

        var applied = 0;
        foreach (var (resource, version) in scripts)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('schema_migrations:' || @component))", connection, transaction))
            {
                lockCommand.Parameters.AddWithValue("component", component);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var check = new NpgsqlCommand("select 1 from public.schema_migrations where component = @component and version = @version", connection, transaction))
            {
                check.Parameters.AddWithValue("component", component);
                check.Parameters.AddWithValue("version", version);
                if (await check.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    continue;
                }
            }

            await using (var script = new NpgsqlCommand(await ReadAsync(assembly, resource), connection, transaction))
            {
                await script.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand("insert into public.schema_migrations (component, version) values (@component, @version)", connection, transaction))
            {
                record.Parameters.AddWithValue("component", component);
                record.Parameters.AddWithValue("version", version);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogApplied(component, version);
            applied++;
        }

        return applied;
    }

    private static async Task<string> ReadAsync(Assembly assembly, string resource)
    {
        await using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [LoggerMessage(1, LogLevel.Information, "Applied migration {Component}/{Version}")]
    private partial void LogApplied(string component, string version);
}
