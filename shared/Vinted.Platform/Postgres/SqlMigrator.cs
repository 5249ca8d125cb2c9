using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vinted.Platform.Sql;

namespace Vinted.Platform.Postgres;

/// <summary>
/// Applies forward-only SQL migrations embedded in an assembly. Scripts are the embedded resources whose
/// names contain <c>.Sql.Migrations.</c>, applied in name order (<c>0001_x.sql</c>, <c>0002_y.sql</c>), each in
/// its own transaction together with its row in <c>public.schema_migrations</c>: a failing script leaves the
/// database as it was. An advisory lock serializes hosts that start at the same time. Each applied script's SHA-256
/// (of its text with LF line endings) is kept: a script changed after it was applied stops the host with its name,
/// since the database no longer matches what the code says it is.
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
        // CREATE TABLE IF NOT EXISTS is not atomic: hosts starting at the same instant can both pass the check and the
        // loser fails (42P07, or a unique violation in the catalog; seen in CI). The table is created under a lock of
        // its own, taken with the transaction and released at its commit.
        await using (var setup = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var create = new NpgsqlCommand(
                """
                select pg_advisory_xact_lock(hashtext('schema_migrations'));
                create table if not exists public.schema_migrations (
                    component  text        not null,
                    version    text        not null,
                    applied_at timestamptz not null default now(),
                    checksum   text,
                    primary key (component, version));
                -- Databases from before checksums get the column once; an unconditional ALTER would take an exclusive
                -- lock on the table at every host's start.
                do $$
                begin
                    if not exists (select from information_schema.columns
                                   where table_schema = 'public' and table_name = 'schema_migrations' and column_name = 'checksum') then
                        alter table public.schema_migrations add column checksum text;
                    end if;
                end $$
                """, connection, setup))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            await setup.CommitAsync(cancellationToken);
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

            var text = await ReadAsync(assembly, resource);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            await using (var check = new NpgsqlCommand(
                "select checksum from public.schema_migrations where component = @component and version = @version", connection, transaction))
            {
                check.Parameters.AddWithValue("component", component);
                check.Parameters.AddWithValue("version", version);
                var stored = await check.ExecuteScalarAsync(cancellationToken);
                if (stored is string known && known != checksum)
                {
                    throw new InvalidOperationException(
                        $"Migration {component}/{version} was changed after it was applied (checksum {known[..12]}, now {checksum[..12]}): " +
                        "restore the script and put the change in a new migration.");
                }

                if (stored is not null)
                {
                    if (stored is DBNull)
                    {
                        // Applied before checksums were kept: the script as it is now becomes the reference.
                        await RecordChecksumAsync(connection, transaction, component, version, checksum, cancellationToken);
                        await transaction.CommitAsync(cancellationToken);
                    }

                    continue;
                }
            }

            // No time limit (Npgsql's default is 30 s): a migration moves or reindexes the history it finds (0020 rebuilt
            // a month's index in 27 s, 0023 regroups every scope's sightings); the host's shutdown still cancels it.
            await using (var script = new NpgsqlCommand(text, connection, transaction) { CommandTimeout = 0 })
            {
                await script.ExecuteNonQueryAsync(cancellationToken);
            }

            await RecordChecksumAsync(connection, transaction, component, version, checksum, cancellationToken);

            await transaction.CommitAsync(cancellationToken);
            LogApplied(component, version);
            applied++;
        }

        return applied;
    }

    private static async Task<string> ReadAsync(Assembly assembly, string resource)
    {
        await using var stream = assembly.GetManifestResourceStream(resource)!;
        return EmbeddedSql.Normalized(stream);
    }

    private static async Task RecordChecksumAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string component, string version, string checksum, CancellationToken cancellationToken)
    {
        await using var record = new NpgsqlCommand(
            """
            insert into public.schema_migrations (component, version, checksum) values (@component, @version, @checksum)
            on conflict (component, version) do update set checksum = excluded.checksum
            """, connection, transaction);
        record.Parameters.AddWithValue("component", component);
        record.Parameters.AddWithValue("version", version);
        record.Parameters.AddWithValue("checksum", checksum);
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(1, LogLevel.Information, "Applied migration {Component}/{Version}")]
    private partial void LogApplied(string component, string version);
}
