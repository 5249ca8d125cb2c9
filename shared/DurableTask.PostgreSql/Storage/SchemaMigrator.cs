using System.Reflection;
using System.Security.Cryptography;
using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// Creates the task hub's schema and applies the embedded <c>Sql/NNNN_*.sql</c> migrations in order, forward only,
/// each in one transaction with its version and checksum. A transaction-scoped advisory lock lets several hosts start
/// at once; a script changed after it was applied is refused, since the database no longer matches the code.
/// </summary>
internal static class SchemaMigrator
{
    private const string Marker = ".Sql.";

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(Marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var resource in scripts)
        {
            var version = resource[(resource.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..^4];
            var text = await ReadAsync(assembly, resource);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var quoted = Quote(schema);
            await ExecuteAsync(
                connection,
                $"""
                select pg_advisory_xact_lock(hashtext('durabletask:' || @schema));
                create schema if not exists {quoted};
                set local search_path = {quoted};
                create table if not exists schema_versions (
                    version    text        primary key,
                    checksum   text        not null,
                    applied_at timestamptz not null default now());
                """,
                cancellationToken,
                ("schema", schema));

            await using (var check = new NpgsqlCommand("select checksum from schema_versions where version = @version", connection))
            {
                check.Parameters.AddWithValue("version", version);
                if (await check.ExecuteScalarAsync(cancellationToken) is string applied)
                {
                    if (applied != checksum)
                    {
                        throw new InvalidOperationException(
                            $"Task hub schema '{schema}': migration {version} was applied with checksum {applied}, but the code has {checksum}. Applied migrations must not change.");
                    }

                    await transaction.CommitAsync(cancellationToken);
                    continue;
                }
            }

            await ExecuteAsync(connection, text, cancellationToken);
            await ExecuteAsync(
                connection, "insert into schema_versions (version, checksum) values (@version, @checksum)", cancellationToken, ("version", version), ("checksum", checksum));
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>Drops the task hub's schema with everything in it.</summary>
    public static async Task DropAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"drop schema if exists {Quote(schema)} cascade", cancellationToken);
    }

    /// <summary>The schema name is validated by the settings (lower-case letters, digits, underscores); quoting is belt and braces.</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string> ReadAsync(Assembly assembly, string resource)
    {
        await using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
