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
        try
        {
            await ApplyAsync(dataSource, schema, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"Task hub schema '{schema}': the connection's role may not migrate it ({e.MessageText}). Apply the migrations with a role " +
                "that owns the schema (PostgreSqlOrchestrationService.MigrateAsync) and run the hosts with ApplyMigrations = false.",
                e);
        }
    }

    /// <summary>
    /// Checks without any DDL that every embedded migration is applied, unchanged: a host with only DML rights starts
    /// on a hub its owner migrated, and refuses (naming the first missing version) one that is behind its code.
    /// </summary>
    public static async Task VerifyAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await using var command = dataSource.CreateCommand("select version, checksum from schema_versions");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetString(0)] = reader.GetString(1);
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"Task hub schema '{schema}' cannot be read ({e.MessageText}): migrate it first with an owner role (MigrateAsync), and grant this role usage on the schema and DML on its tables and sequences.",
                e);
        }

        foreach (var (version, _, checksum) in await ScriptsAsync())
        {
            if (!applied.TryGetValue(version, out var stored))
            {
                throw new InvalidOperationException(
                    $"Task hub schema '{schema}' lacks migration {version}, and ApplyMigrations is false: run MigrateAsync with an owner role before starting this host.");
            }

            if (stored != checksum)
            {
                throw ChecksumChanged(schema, version, stored, checksum);
            }
        }
    }

    private static async Task ApplyAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var (version, text, checksum) in await ScriptsAsync())
        {
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
                        throw ChecksumChanged(schema, version, applied, checksum);
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

    private static InvalidOperationException ChecksumChanged(string schema, string version, string applied, string code) =>
        new($"Task hub schema '{schema}': migration {version} was applied with checksum {applied}, but the code has {code}. Applied migrations must not change.");

    /// <summary>The embedded scripts in order: version (the file name without <c>.sql</c>), text and SHA-256.</summary>
    private static async Task<List<(string Version, string Text, string Checksum)>> ScriptsAsync()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var scripts = new List<(string, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames()
            .Where(n => n.Contains(Marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            var text = await ReadAsync(assembly, resource);
            scripts.Add((resource[(resource.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..^4], text, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))));
        }

        return scripts;
    }

    private static async Task<string> ReadAsync(Assembly assembly, string resource)
    {
        await using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
