using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vinted.ObjectStore;
using Vinted.Platform.Sql;

namespace Vinted.PriceModel.Registry;

/// <summary>
/// The model registry: training runs, versions and aliases in PostgreSQL (<c>model_registry</c>), model files in the
/// product's object store under <see cref="FileKey"/> with their SHA-256, checked on every load.
/// </summary>
public sealed class ModelRegistry(NpgsqlDataSource dataSource, IObjectStore store, TimeProvider time)
{
    private static readonly EmbeddedSql Sql = EmbeddedSql.Of<ModelRegistry>();

    /// <summary>The alias serving and scoring use.</summary>
    public const string Production = "production";

    /// <summary>The code that trained: the build's source revision when the SDK stamped it, else the assembly version.</summary>
    public static string CodeVersion { get; } =
        typeof(ModelRegistry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ModelRegistry).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>One registered model per currency.</summary>
    public static string ModelName(string currency) => $"price-{currency.ToLowerInvariant()}";

    /// <summary>Whether <paramref name="name"/> is a model's name as <see cref="ModelName"/> makes them.</summary>
    public static bool IsModelName(string name) => name.Length == 9 && name.StartsWith("price-", StringComparison.Ordinal) && name[6..].All(char.IsAsciiLetterLower);

    /// <summary>A model file's key: <c>{prefix}/models/{model}/{runId}.zip</c> (the version lives in PostgreSQL).</summary>
    public string FileKey(string modelName, string runId) => $"{store.Prefix}/models/{modelName}/{runId}.zip";

    public async Task RecordRunAsync(TrainingRunRecord run, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["Queries/run_insert"]);
        var result = run.Result;
        Add(command, "run_id", run.RunId);
        Add(command, "model_name", run.ModelName);
        Add(command, "currency", run.Currency);
        Add(command, "started_at", run.StartedAt);
        Add(command, "finished_at", run.FinishedAt);
        Add(command, "status", run.Status);
        Add(command, "note", run.Note);
        Add(command, "trainer", Training.PricePipeline.Trainer);
        command.Parameters.Add(new NpgsqlParameter("parameters", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(run.Parameters) });
        Add(command, "code_version", run.CodeVersion);
        Add(command, "train_from", run.TrainFrom);
        Add(command, "train_to", run.TrainTo);
        Add(command, "test_day", run.TestDay);
        Add(command, "train_rows", result?.TrainRows);
        Add(command, "test_rows", result?.TestRows);
        Add(command, "mae", result?.Model.Mae);
        Add(command, "mape", result?.Model.Mape);
        Add(command, "r2", result?.Model.R2);
        Add(command, "baseline_mae", result?.Baseline.Mae);
        Add(command, "baseline_mape", result?.Baseline.Mape);
        Add(command, "baseline_r2", result?.Baseline.R2);
        Add(command, "beats_baseline", result?.BeatsBaseline);
        Add(command, "training_seconds", result?.Elapsed.TotalSeconds);
        command.Parameters.Add(new NpgsqlParameter("feature_importance", NpgsqlDbType.Jsonb)
        {
            Value = result is null ? DBNull.Value : JsonSerializer.Serialize(result.Importance),
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stores the model file (verified, with its SHA-256 in its metadata) and registers it as the model's next version; returns the version.</summary>
    public async Task<int> RegisterAsync(string modelName, string runId, byte[] file, bool beatsBaseline, CancellationToken cancellationToken)
    {
        var key = FileKey(modelName, runId);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
        await store.PutAsync(key, file, "application/zip", cancellationToken, new Dictionary<string, string> { ["sha256"] = sha256 });
        await using var command = dataSource.CreateCommand(Sql["Queries/version_insert"]);
        Add(command, "model_name", modelName);
        Add(command, "run_id", runId);
        Add(command, "s3_key", key);
        Add(command, "sha256", sha256);
        Add(command, "size_bytes", (long)file.Length);
        Add(command, "beats_baseline", beatsBaseline);
        Add(command, "created_at", time.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt32(0);
    }

    /// <summary>Points the production alias at <paramref name="version"/>; a version that did not beat its baseline is refused.</summary>
    public async Task PromoteAsync(string modelName, int version, string reason, CancellationToken cancellationToken)
    {
        await using (var check = dataSource.CreateCommand(Sql["Queries/version_get"]))
        {
            Add(check, "model_name", modelName);
            Add(check, "version", version);
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new RegistryException($"Model '{modelName}' has no version {version}.");
            }

            if (!reader.GetBoolean(3))
            {
                throw new RegistryException($"Version {version} of '{modelName}' did not beat its baseline and cannot serve.");
            }
        }

        await SetAliasAsync(modelName, version, reason, cancellationToken);
    }

    /// <summary>Moves the production alias back to the version it pointed at before; returns that version.</summary>
    public async Task<int> RollBackAsync(string modelName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["Queries/alias_previous"]);
        Add(command, "model_name", modelName);
        Add(command, "alias", Production);
        var previous = await command.ExecuteScalarAsync(cancellationToken) as int?
            ?? throw new RegistryException($"The production alias of '{modelName}' has no earlier version to go back to.");
        await SetAliasAsync(modelName, previous, "rollback", cancellationToken);
        return previous;
    }

    /// <summary>The version the production alias points at, or null.</summary>
    public async Task<ModelPointer?> ProductionAsync(string modelName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["Queries/alias_get"]);
        Add(command, "model_name", modelName);
        Add(command, "alias", Production);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new ModelPointer(modelName, reader.GetInt32(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    /// <summary>A version's model file, checked against its registered SHA-256.</summary>
    /// <exception cref="ObjectIntegrityException">The stored file has another SHA-256.</exception>
    public Task<byte[]> ReadFileAsync(ModelPointer pointer, CancellationToken cancellationToken) =>
        store.ReadVerifiedAsync(pointer.S3Key, pointer.Sha256, cancellationToken);

    public async Task<IReadOnlyList<ModelVersionView>> VersionsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["Queries/versions_list"]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<ModelVersionView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(new ModelVersionView(
                reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetInt64(4), reader.GetBoolean(5),
                reader.GetString(6), reader.GetString(7), Nullable<DateOnly>(reader, 8), Nullable<DateOnly>(reader, 9), Nullable<DateOnly>(reader, 10),
                Nullable<int>(reader, 11), Nullable<int>(reader, 12), Nullable<decimal>(reader, 13), Nullable<decimal>(reader, 14), Nullable<decimal>(reader, 15),
                Nullable<decimal>(reader, 16), Nullable<decimal>(reader, 17), Nullable<decimal>(reader, 18), reader.GetString(19), reader.GetString(20),
                Nullable<decimal>(reader, 21), reader.IsDBNull(22) ? null : reader.GetString(22), reader.GetString(23),
                reader.IsDBNull(24) ? [] : reader.GetString(24).Split(',')));
        }

        return versions;
    }

    private async Task SetAliasAsync(string modelName, int version, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["Queries/alias_set"]);
        Add(command, "model_name", modelName);
        Add(command, "alias", Production);
        Add(command, "version", version);
        Add(command, "reason", reason);
        Add(command, "set_at", time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static T? Nullable<T>(NpgsqlDataReader reader, int ordinal)
        where T : struct => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    private static void Add<T>(NpgsqlCommand command, string name, T value) =>
        command.Parameters.Add(new NpgsqlParameter(name, (object?)value ?? DBNull.Value));
}
